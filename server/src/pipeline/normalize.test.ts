import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { ValidationError } from '../core/errors.ts';
import type { CaptionEvent } from '../core/types.ts';
import { normalize, normalizeName, normalizeText } from './normalize.ts';

function thrown(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('normalizeText', () => {
  it('trims, turns line breaks into spaces and collapses whitespace', () => {
    expect(normalizeText('  hello\n\tworld \r\n again  ', 100)).toBe('hello world again');
    expect(normalizeText('a\u3000\u00a0b', 100)).toBe('a b');
  });

  it('strips control characters', () => {
    expect(normalizeText('be\u0000ep\u0007 \u001b[31mred\u007f\u009b', 100)).toBe('beep [31mred');
  });

  it('composes to NFC', () => {
    const decomposed = 'Cafe\u0301';
    expect(normalizeText(decomposed, 100)).toBe('Caf\u00e9');
  });

  it('keeps markup as literal text', () => {
    expect(normalizeText('<b>hi</b> <img src=x>', 100)).toBe('<b>hi</b> <img src=x>');
  });

  it('rejects text that is empty after normalizing with empty_text (400)', () => {
    for (const text of ['', '   ', '\n\u0000\t']) {
      const error = thrown(() => normalizeText(text, 100));
      expect(error.code).toBe('empty_text');
      expect(error.httpStatus).toBe(400);
    }
  });

  it('rejects text longer than maxChars with text_too_long (413), counting code points', () => {
    expect(normalizeText('😀'.repeat(5), 5)).toBe('😀'.repeat(5));
    expect(normalizeText('你好世界！', 5)).toBe('你好世界！');
    const error = thrown(() => normalizeText('abcdef', 5));
    expect(error.code).toBe('text_too_long');
    expect(error.httpStatus).toBe(413);
    expect(error.message).toContain('5');
  });

  it('counts the length after collapsing whitespace', () => {
    expect(normalizeText('  a     b  ', 3)).toBe('a b');
  });
});

describe('normalize operator', () => {
  const event = (text: string): CaptionEvent => ({ text, user: 'u', source: 'http', priority: 0, receivedAtMs: 1 });

  it('normalizes each event and errors with the typed error', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a-b-c', { a: event(' hi\n there '), b: event('ok'), c: event(' \n ') });
      expectObservable(source.pipe(normalize(10))).toBe(
        'a-b-#',
        { a: event('hi there'), b: event('ok') },
        new ValidationError('empty_text', 'text is empty after removing whitespace and control characters'),
      );
    });
  });
});

describe('invisible characters', () => {
  it('strips bidi overrides, isolates, zero-width spaces, BOMs and lone surrogates', () => {
    expect(normalizeText('\u202Eevil\u202C \u2066txt\u2069', 100)).toBe('evil txt');
    expect(normalizeText('zero\u200Bwidth\u2060join\uFEFF', 100)).toBe('zerowidthjoin');
    expect(normalizeText('lone \ud800 surrogate \udfff', 100)).toBe('lone surrogate');
  });

  it('keeps ZWJ emoji sequences, ZWNJ and RLM', () => {
    const family = '👩\u200D👩\u200D👧';
    expect(normalizeText(family, 100)).toBe(family);
    expect(normalizeText('می\u200Cخواهم \u200F', 100)).toBe('می\u200Cخواهم \u200F');
  });

  it('rejects text made only of invisible characters with empty_text', () => {
    const error = thrown(() => normalizeText('\u200B\u202E\uFEFF\u2066', 100));
    expect(error.code).toBe('empty_text');
  });
});

describe('normalizeName', () => {
  it('cleans like caption text and cuts to maxChars code points', () => {
    expect(normalizeName(' bad\r\nname\u202E ', 50)).toBe('bad name');
    expect(normalizeName('😀'.repeat(10), 3)).toBe('😀😀😀');
    expect(normalizeName('\u0000\u200B', 10)).toBe('');
  });
});
