/**
 * What a fault-free run of the fake servers yields for a text: the exact PCM and word
 * timings. Tests compare a run under faults against it (same audio, once, in order).
 */
import { splitSentences } from '../../../server/src/core/engine-kit/text-segmentation.ts';
import type { TimedWord } from '../../../server/src/core/types.ts';
import { synthesizeSentence, type VoiceSettings } from './synthetic-voice.ts';

export interface ReferenceSynthesis {
  pcm: Uint8Array;
  words: TimedWord[];
  /** Sample offset where each sentence's audio starts. */
  sentenceStartSamples: number[];
}

export function referenceSynthesis(text: string, settings: VoiceSettings): ReferenceSynthesis {
  const parts = splitSentences(text).filter((s) => s.trim()).map((s) => synthesizeSentence(s, settings));
  const total = parts.reduce((n, p) => n + p.samples.length, 0);
  const samples = new Int16Array(total);
  const words: TimedWord[] = [];
  const sentenceStartSamples: number[] = [];
  const ms = (sample: number) => Math.round((sample * 1000) / settings.sampleRateHz);
  let offset = 0;
  for (const part of parts) {
    samples.set(part.samples, offset);
    sentenceStartSamples.push(offset);
    for (const w of part.words) words.push({ text: w.text, startMs: ms(offset + w.beginSample), endMs: ms(offset + w.endSample) });
    offset += part.samples.length;
  }
  return { pcm: new Uint8Array(samples.buffer), words, sentenceStartSamples };
}
