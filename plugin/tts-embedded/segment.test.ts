import { describe, expect, it } from 'vitest';
import { containsHan, splitScripts, splitSentences } from './segment.ts';

describe('splitSentences', () => {
  it('splits on Chinese and Latin terminators and newlines, keeping the punctuation', () => {
    expect(splitSentences('你好，欢迎来到直播间！Thanks for the follow. See you? Bye!\n再见；明天见。')).toEqual([
      '你好，欢迎来到直播间！',
      'Thanks for the follow.',
      'See you?',
      'Bye!',
      '再见；',
      '明天见。',
    ]);
  });

  it('keeps runs of terminators and closing quotes with their sentence', () => {
    expect(splitSentences('What?! "Really." 「好的。」 ok...')).toEqual(['What?!', '"Really."', '「好的。」', 'ok...']);
  });

  it('does not split numbers, versions or dotted names', () => {
    expect(splitSentences('Pi is 3.14 and v1.2 is on example.com today.')).toEqual([
      'Pi is 3.14 and v1.2 is on example.com today.',
    ]);
  });

  it('splits a period followed by Han text', () => {
    expect(splitSentences('Thanks.谢谢')).toEqual(['Thanks.', '谢谢']);
  });

  it('joins stray punctuation to a neighbouring sentence and drops blank pieces', () => {
    expect(splitSentences('  Hi! ? \n\n Bye.  ')).toEqual(['Hi!?', 'Bye.']);
    expect(splitSentences('... hello')).toEqual(['...hello']);
    expect(splitSentences('!!!')).toEqual(['!!!']);
    expect(splitSentences('   ')).toEqual([]);
  });

  it('keeps a sentence without terminator', () => {
    expect(splitSentences('no ending here')).toEqual(['no ending here']);
  });
});

describe('splitScripts', () => {
  it('splits Han and Latin runs; neutral characters join the run before them', () => {
    expect(splitScripts('你好，欢迎！Thanks 2 all, 谢谢')).toEqual([
      { text: '你好，欢迎！', script: 'han' },
      { text: 'Thanks 2 all, ', script: 'latin' },
      { text: '谢谢', script: 'han' },
    ]);
  });

  it('gives leading neutral characters to the first run', () => {
    expect(splitScripts('2024年 top 10')).toEqual([
      { text: '2024年 ', script: 'han' },
      { text: 'top 10', script: 'latin' },
    ]);
  });

  it('marks text with neither script as neutral', () => {
    expect(splitScripts('123 😀!')).toEqual([{ text: '123 😀!', script: 'neutral' }]);
  });

  it('runs concatenate back to the sentence', () => {
    const sentence = ' 我喜欢Minecraft和Python3，you? ';
    expect(splitScripts(sentence).map((run) => run.text).join('')).toBe(sentence);
  });
});

describe('containsHan', () => {
  it('detects Han characters', () => {
    expect(containsHan('abc 中')).toBe(true);
    expect(containsHan('abc 123')).toBe(false);
  });
});
