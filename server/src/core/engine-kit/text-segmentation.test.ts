import { describe, expect, it } from 'vitest';
import { splitSentences, splitWords } from './text-segmentation.ts';

describe('text segmentation', () => {
  it('splits sentences after CJK and Latin terminators, keeping every character', () => {
    const text = '你好，世界。今天怎么样？Fine, thanks. Pi is 3.14!\nBye';
    const sentences = splitSentences(text);
    expect(sentences).toEqual(['你好，世界。', '今天怎么样？', 'Fine, thanks. ', 'Pi is 3.14!\n', 'Bye']);
    expect(sentences.join('')).toBe(text);
  });

  it('splits an over-long sentence at soft breaks, else hard, by the given measure', () => {
    const pieces = splitSentences('aaaa, bbbb, cccccccccc', 7);
    expect(pieces.every((p) => p.length <= 7)).toBe(true);
    expect(pieces.join('')).toBe('aaaa, bbbb, cccccccccc');
    expect(splitSentences('你好你好', 4, (s) => 2 * s.length)).toEqual(['你好', '你好']);
  });

  it('makes each CJK character a word and marks pauses at punctuation', () => {
    expect(splitWords('你好，it’s me!').map((w) => [w.text, w.pauseAfter])).toEqual([
      ['你', false],
      ['好', true],
      ['it’s', false],
      ['me', true],
    ]);
  });
});
