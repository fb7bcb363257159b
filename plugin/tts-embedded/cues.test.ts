import { describe, expect, it } from 'vitest';
import { wordsFromEvents } from './cues.ts';
import type { WordEvent } from './protocol.ts';

const ev = (textPosition: number, audioPositionMs: number, wordLength = 1): WordEvent => ({
  textPosition,
  wordLength,
  audioPositionMs,
});

describe('wordsFromEvents', () => {
  it('maps cmn events to words spanning up to the next event, trimmed of punctuation', () => {
    const events = [ev(1, 0), ev(4, 653), ev(6, 1262), ev(7, 1447), ev(8, 1644), ev(9, 1914), ev(10, 2117)];
    expect(wordsFromEvents('你好，欢迎来到直播间！', events, { startMs: 0, endMs: 2468 })).toEqual([
      { text: '你好', startMs: 0, endMs: 653 },
      { text: '欢迎', startMs: 653, endMs: 1262 },
      { text: '来', startMs: 1262, endMs: 1447 },
      { text: '到', startMs: 1447, endMs: 1644 },
      { text: '直', startMs: 1644, endMs: 1914 },
      { text: '播', startMs: 1914, endMs: 2117 },
      { text: '间', startMs: 2117, endMs: 2468 },
    ]);
  });

  it('puts words on the utterance clock with the segment start', () => {
    const words = wordsFromEvents('See you soon!', [ev(1, 0, 3), ev(5, 201, 3), ev(9, 315, 4)], {
      startMs: 1000,
      endMs: 1720,
    });
    expect(words).toEqual([
      { text: 'See', startMs: 1000, endMs: 1201 },
      { text: 'you', startMs: 1201, endMs: 1315 },
      { text: 'soon', startMs: 1315, endMs: 1720 },
    ]);
  });

  it('counts positions in code points, so an emoji does not shift later words', () => {
    // Events as eSpeak gives them for "Hi 😀 there, 3.14 cats!" (the emoji is read as two words).
    const events = [
      ...[ev(1, 0, 2), ev(4, 230), ev(5, 571), ev(6, 864, 5)],
      ...[ev(13, 1410, 4), ev(14, 1637, 4), ev(14, 1953, 4), ev(18, 2446, 4)],
    ];
    expect(wordsFromEvents('Hi 😀 there, 3.14 cats!', events, { startMs: 0, endMs: 2924 })).toEqual([
      { text: 'Hi', startMs: 0, endMs: 230 },
      { text: '😀', startMs: 230, endMs: 864 },
      { text: 'there', startMs: 864, endMs: 1410 },
      { text: '3.14', startMs: 1410, endMs: 2446 },
      { text: 'cats', startMs: 2446, endMs: 2924 },
    ]);
  });

  it('drops punctuation-only words and gives their time to the word before', () => {
    const words = wordsFromEvents('好！ —— 的', [ev(1, 0), ev(4, 300), ev(7, 500)], { startMs: 0, endMs: 800 });
    expect(words).toEqual([
      { text: '好', startMs: 0, endMs: 500 },
      { text: '的', startMs: 500, endMs: 800 },
    ]);
  });

  it('merges events that do not start strictly later, and ignores ones past the audio', () => {
    const words = wordsFromEvents('ab cd ef gh', [ev(1, 100, 2), ev(4, 100, 2), ev(7, 50, 2), ev(10, 900, 2)], {
      startMs: 0,
      endMs: 900,
    });
    expect(words).toEqual([{ text: 'ab cd ef gh', startMs: 100, endMs: 900 }]);
  });

  it('returns no words without events', () => {
    expect(wordsFromEvents('hello', [], { startMs: 0, endMs: 500 })).toEqual([]);
  });
});
