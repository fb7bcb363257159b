import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../server/src/core/errors.ts';
import { parseAsrLine } from './asr-line.ts';

describe('parseAsrLine', () => {
  it('accepts {text, final, lang?}', () => {
    expect(parseAsrLine('{"text":"你好","final":false}', 100)).toEqual({ text: '你好', final: false });
    expect(parseAsrLine('{"text":"hi","final":true,"lang":"en"}', 100)).toEqual({ text: 'hi', final: true, lang: 'en' });
  });

  it.each([
    ['{"text":"x"', 'invalid_json'],
    ['"just a string"', 'invalid_line'],
    ['{"text":1,"final":true}', 'invalid_line'],
    ['{"text":"x","final":"yes"}', 'invalid_line'],
    ['{"text":"x","final":true,"lang":""}', 'invalid_line'],
    ['{"text":"x","final":true,"lang":"<script>"}', 'invalid_line'],
    ['{"text":"x","final":true,"lang":"../../etc"}', 'invalid_line'],
  ])('rejects %s with %s', (line, code) => {
    expect(() => parseAsrLine(line, 100)).toThrow(expect.objectContaining({ code }));
  });

  it('counts the limit in bytes, not characters', () => {
    const line = JSON.stringify({ text: '字'.repeat(10), final: true }); // 30 bytes of text
    expect(() => parseAsrLine(line, 40)).toThrow(ValidationError);
    expect(() => parseAsrLine(line, 40)).toThrow(expect.objectContaining({ code: 'line_too_long', httpStatus: 413 }));
    expect(parseAsrLine(line, 60).final).toBe(true);
  });

  it('cleans the text: control, bidi override and zero-width characters go, breaks become spaces', () => {
    expect(parseAsrLine(JSON.stringify({ text: ' a\u0000b\r\nc\u202E\u200Bd ', final: true }), 100).text).toBe('ab cd');
    expect(parseAsrLine('{"text":"hi","final":true,"lang":"zh-CN"}', 100).lang).toBe('zh-CN');
  });
});
