import { describe, expect, it } from 'vitest';
import { synthesizeSentence } from '../../test/fakes/dashscope/synthetic-voice.ts';
import { estimateWordCues } from './estimate-word-cues.ts';
import { voicedSpans } from './voiced-spans.ts';

const RATE_HZ = 22_050;

describe('estimateWordCues', () => {
  it.each(['你好，世界，今天天气怎么样？', 'Hello there, my dear friend, how are you today?', '中文 mixed with English words。'])(
    'places every word of "%s" within 60 ms of where it is spoken',
    (text) => {
      const voice = synthesizeSentence(text, { sampleRateHz: RATE_HZ });
      const cues = estimateWordCues(text, voice.samples, RATE_HZ);
      expect(cues.map((c) => c.text)).toEqual(voice.words.map((w) => w.text));
      cues.forEach((cue, i) => {
        const truth = voice.words[i]!;
        expect(Math.abs(cue.startMs - (truth.beginSample * 1000) / RATE_HZ)).toBeLessThanOrEqual(60);
        expect(Math.abs(cue.endMs - (truth.endSample * 1000) / RATE_HZ)).toBeLessThanOrEqual(60);
        expect(cue.endMs).toBeGreaterThan(cue.startMs);
      });
    },
  );

  it('spreads words over the whole sentence when it is all silence, and gives no cue without words', () => {
    const silence = new Int16Array(RATE_HZ);
    expect(estimateWordCues('a b', silence, RATE_HZ)).toEqual([
      { text: 'a', startMs: 0, endMs: 500 },
      { text: 'b', startMs: 500, endMs: 1000 },
    ]);
    expect(estimateWordCues('。', silence, RATE_HZ)).toEqual([]);
  });
});

describe('voicedSpans', () => {
  it('finds the speech between pauses, ignoring short gaps between words', () => {
    const voice = synthesizeSentence('一二，三四', { sampleRateHz: RATE_HZ });
    const spans = voicedSpans(voice.samples, RATE_HZ);
    expect(spans).toHaveLength(2);
    expect(spans[0]!.startMs).toBeCloseTo(60, -1);
    expect(spans[1]!.endMs).toBeCloseTo((voice.words[3]!.endSample * 1000) / RATE_HZ, -1);
  });
});
