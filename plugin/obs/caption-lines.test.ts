import { describe, expect, it } from 'vitest';
import type { TimedWord } from '../../server/src/core/types.ts';
import { captionWords, splitCaptionLines } from './caption-lines.ts';

/** Words 100 ms apart, each lasting 100 ms, separated by a space (as the aligner gives them). */
const timed = (...texts: string[]): TimedWord[] =>
  texts.map((text, i) => ({ text: i === 0 ? text : ` ${text}`, startMs: i * 100, endMs: i * 100 + 100 }));

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

  it('breaks at a sentence end, even inside quotes', () => {
    const lines = splitCaptionLines(captionWords(timed('Hi!', 'He', 'said', '"go."', 'Then...', 'left?', 'Yes')));
    expect(lines.map((l) => [l.text, l.startMs])).toEqual([['Hi!', 0], ['He said "go."', 100], ['Then... left?', 400], ['Yes', 600]]);
  });

  it('shows punctuation 608 can show of a CJK text, and nothing of a line with no letter or digit left', () => {
    const words: TimedWord[] = [
      { text: '你好，', startMs: 0, endMs: 100 },
      { text: 'OBS', startMs: 100, endMs: 200 },
      { text: '直播间！', startMs: 200, endMs: 300 },
    ];
    expect(splitCaptionLines(captionWords(words))).toEqual([{ text: ', OBS!', startMs: 0, wordCount: 3 }]);
    expect(splitCaptionLines(captionWords([{ text: '你好。', startMs: 0, endMs: 100 }]))).toEqual([{ text: '', startMs: 0, wordCount: 1 }]);
  });
});

describe('captionWords', () => {
  it('keeps one leading space, drops empty words, and cuts an over-long word into timed pieces', () => {
    const long = 'x'.repeat(70);
    const words = captionWords([
      { text: '  hi ', startMs: 0, endMs: 100 },
      { text: ' ', startMs: 100, endMs: 150 },
      { text: long, startMs: 300, endMs: 600 },
    ]);
    expect(words).toEqual([
      { text: ' hi', startMs: 0, endMs: 100 },
      { text: ` ${'x'.repeat(32)}`, startMs: 300, endMs: 400 }, // the space is dropped at a line start
      { text: 'x'.repeat(32), startMs: 400, endMs: 500 },
      { text: 'x'.repeat(6), startMs: 500, endMs: 600 },
    ]);
  });
});
