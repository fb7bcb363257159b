import { describe, expect, it } from 'vitest';
import { createWordAligner, to608Text } from './caption-text.ts';

describe('to608Text', () => {
  it('keeps ASCII, case and the Latin letters 608 has', () => {
    expect(to608Text('Hello, World! 100% #1 @you <3 Café, niño, Straße?')).toBe('Hello, World! 100% #1 @you <3 Café, niño, Straße?');
  });

  it('maps curly quotes, dashes, ellipses and full-width forms to ASCII', () => {
    expect(to608Text('“Don’t” — wait… ＯＢＳ１２')).toBe('"Don\'t" - wait... OBS12');
  });

  it('maps CJK punctuation to ASCII and leaves out what 608 cannot show', () => {
    expect(to608Text('你好，OBS！「好」😀 ok。')).toBe(', OBS! " " ok. ');
    expect(to608Text('emoji 😀 here')).toBe('emoji here');
  });
});

describe('createWordAligner', () => {
  it('finds engine words in the text case-insensitively and carries the punctuation between them', () => {
    const aligner = createWordAligner('@streamer HELLO, world... #1 fan!');
    const words = aligner.align(['streamer', 'hello', 'world', '1', 'fan'].map((text, i) => ({ text, startMs: i * 100, endMs: i * 100 + 90 })));
    expect(words.map((w) => w.text)).toEqual(['@streamer', ' HELLO,', ' world...', ' #1', ' fan!']);
    expect(words.map((w) => w.startMs)).toEqual([0, 100, 200, 300, 400]);
    expect(aligner.rest()).toEqual([]);
  });

  it('gives text the engine did not time to the next word, and the tail to rest()', () => {
    const aligner = createWordAligner('one 2 three :) ;)');
    expect(aligner.align([{ text: 'one', startMs: 0, endMs: 100 }, { text: 'two', startMs: 100, endMs: 200 }, { text: 'three', startMs: 200, endMs: 300 }])).toEqual([
      { text: 'one', startMs: 0, endMs: 100 },
      { text: ' 2 three', startMs: 200, endMs: 300 },
    ]);
    expect(aligner.rest()).toEqual([{ text: ' :) ;)', startMs: 300, endMs: 300 }]);
    expect(aligner.rest()).toEqual([]);
  });

  it('splits CJK text at the timed words, punctuation with the word before', () => {
    const aligner = createWordAligner('你好，世界。');
    expect(aligner.align([{ text: '你好', startMs: 0, endMs: 100 }, { text: '世界', startMs: 100, endMs: 200 }]).map((w) => w.text)).toEqual(['你好，', '世界。']);
  });
});
