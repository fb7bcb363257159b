import { describe, expect, it } from 'vitest';
import type { TimedWord } from '../../server/src/core/types.ts';
import { captionWords, splitCaptionLines } from './caption-lines.ts';

/** Words 100 ms apart, each lasting 100 ms. */
const timed = (...texts: string[]): TimedWord[] => texts.map((text, i) => ({ text, startMs: i * 100, endMs: i * 100 + 100 }));

describe('splitCaptionLines', () => {
  it('fills lines greedily up to 32 characters, each starting at its first word', () => {
    const words = timed('The', 'quick', 'brown', 'fox', 'jumps', 'over', 'the', 'lazy', 'dog', 'and', 'keeps', 'running');
    const lines = splitCaptionLines(captionWords(words));
    expect(lines).toEqual([
      { text: 'The quick brown fox jumps over', startMs: 0, wordCount: 6 },
      { text: 'the lazy dog and keeps running', startMs: 600, wordCount: 6 },
    ]);
    expect(Math.max(...lines.map((l) => l.text.length))).toBeLessThanOrEqual(32);
  });

  it('takes a line of exactly 32 characters and breaks at 33', () => {
    const exact = timed('a'.repeat(15), 'b'.repeat(16)); // 15 + space + 16 = 32
    expect(splitCaptionLines(exact).map((l) => l.text)).toEqual([`${'a'.repeat(15)} ${'b'.repeat(16)}`]);
    const over = timed('a'.repeat(16), 'b'.repeat(16)); // 33
    expect(splitCaptionLines(over).map((l) => l.text)).toEqual(['a'.repeat(16), 'b'.repeat(16)]);
  });

  it('joins CJK words without spaces and counts characters, not bytes', () => {
    const words = timed('你好', '欢迎', '来到', 'OBS', '直播间');
    expect(splitCaptionLines(captionWords(words))).toEqual([{ text: '你好欢迎来到OBS直播间', startMs: 0, wordCount: 5 }]);
    const many = timed(...Array.from({ length: 20 }, () => '直播'));
    expect(splitCaptionLines(many).map((l) => [...l.text].length)).toEqual([32, 8]);
  });
});

describe('captionWords', () => {
  it('trims, drops empty words, and cuts an over-long word into timed pieces', () => {
    const long = 'x'.repeat(70);
    const words = captionWords([
      { text: ' hi ', startMs: 0, endMs: 100 },
      { text: ' ', startMs: 100, endMs: 150 },
      { text: long, startMs: 300, endMs: 600 },
    ]);
    expect(words).toEqual([
      { text: 'hi', startMs: 0, endMs: 100 },
      { text: 'x'.repeat(32), startMs: 300, endMs: 400 },
      { text: 'x'.repeat(32), startMs: 400, endMs: 500 },
      { text: 'x'.repeat(6), startMs: 500, endMs: 600 },
    ]);
  });
});
