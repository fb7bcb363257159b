import { describe, expect, it } from 'vitest';
import type { TimedWord } from '../core/types.ts';
import { displayWidth, wordLines } from './line-breaks.ts';

/** One word per whitespace-separated token (or per character with `perChar`), 100 ms each. */
function evenWords(text: string, perChar = false): TimedWord[] {
  const tokens = perChar ? [...text].filter((c) => /\p{L}/u.test(c)) : text.split(/\s+/u).map((t) => t.replace(/[^\p{L}\p{N}']/gu, ''));
  return tokens.map((t, i) => ({ text: t, startMs: i * 100, endMs: i * 100 + 90 }));
}

describe('wordLines', () => {
  it('fills lines greedily with whole words up to the width, keeping the text’s punctuation', () => {
    const text = '"Well," she said, you know what I mean?';
    expect(wordLines(text, evenWords(text), 17)).toEqual([
      { text: '"Well," she said,', startMs: 0, endMs: 290 },
      { text: 'you know what I', startMs: 300, endMs: 690 },
      { text: 'mean?', startMs: 700, endMs: 790 },
    ]);
  });

  it('counts CJK characters as two columns: 21 a line at the default width', () => {
    const text = '今天我们来聊一聊这个游戏的新版本，大家有什么想法都可以在弹幕里告诉我';
    const lines = wordLines(text, evenWords(text, true))!;
    expect(lines.map((l) => l.text)).toEqual(['今天我们来聊一聊这个游戏的新版本，大家有什', '么想法都可以在弹幕里告诉我']);
    expect(lines.map((l) => displayWidth(l.text))).toEqual([42, 26]);
  });

  it('puts a word wider than a line on a line of its own', () => {
    expect(wordLines('a supercalifragilistic b', evenWords('a supercalifragilistic b'), 8)?.map((l) => l.text)).toEqual([
      'a',
      'supercalifragilistic',
      'b',
    ]);
  });

  it('gives up when the words do not match the text in order (the caller makes one cue)', () => {
    expect(wordLines('I have 3 cats', evenWords('I have three cats'))).toBeUndefined();
    expect(wordLines('hello world and more', evenWords('hello world'))).toBeUndefined();
    expect(wordLines('anything', [])).toBeUndefined();
  });
});
