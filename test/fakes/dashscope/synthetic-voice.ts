/**
 * A deterministic, voice-like signal for fake TTS servers: each word is a voiced segment
 * (a gliding fundamental with decaying harmonics under an attack/release envelope), words
 * are separated by short gaps and punctuation by longer pauses. The same text and settings
 * always give the same samples, so a resumed synthesis continues sample-exactly.
 */
import { isCjk, splitWords } from '../../../server/src/core/engine-kit/text-segmentation.ts';

export interface VoiceSettings {
  sampleRateHz: number;
  /** Speaking rate, 0.5–2 (1 = normal). */
  rate?: number;
  /** Pitch multiplier, 0.5–2. */
  pitch?: number;
  /** Volume, 0–100 (50 = normal). */
  volume?: number;
}

export interface SyntheticWord {
  text: string;
  /** Character range of the word within the sentence. */
  beginIndex: number;
  endIndex: number;
  /** Sample range of the word within the sentence's audio. */
  beginSample: number;
  endSample: number;
}

export interface SyntheticSentence {
  samples: Int16Array;
  words: SyntheticWord[];
}

const LEAD_SILENCE_MS = 60;
const WORD_GAP_MS = 30;
const PAUSE_MS = 180;
const TAIL_SILENCE_MS = 120;

function wordDurationMs(word: string): number {
  if ([...word].length === 1 && isCjk(word)) return 190;
  return Math.min(600, Math.max(160, 65 * [...word].length));
}

export function synthesizeSentence(text: string, settings: VoiceSettings): SyntheticSentence {
  const { sampleRateHz } = settings;
  const rate = settings.rate ?? 1;
  const f0Hz = 170 * (settings.pitch ?? 1);
  const amplitude = Math.min(1, (settings.volume ?? 50) / 50) * 9000;
  const samplesOf = (ms: number) => Math.round(((ms / rate) * sampleRateHz) / 1000);
  const layout: SyntheticWord[] = [];
  let cursor = samplesOf(LEAD_SILENCE_MS);
  for (const word of splitWords(text)) {
    const length = samplesOf(wordDurationMs(word.text));
    layout.push({ text: word.text, beginIndex: word.begin, endIndex: word.end, beginSample: cursor, endSample: cursor + length });
    cursor += length + samplesOf(word.pauseAfter ? PAUSE_MS : WORD_GAP_MS);
  }
  const samples = new Int16Array(cursor + samplesOf(TAIL_SILENCE_MS));
  const edge = Math.max(1, Math.round(sampleRateHz * 0.015));
  layout.forEach((word, w) => {
    const length = word.endSample - word.beginSample;
    for (let i = 0; i < length; i++) {
      const t = i / sampleRateHz;
      const glide = 1 + 0.08 * Math.sin((w * 1.7 + t * 3) % (2 * Math.PI));
      const phase = 2 * Math.PI * f0Hz * glide * t;
      let value = 0;
      for (let k = 1; k <= 5; k++) value += Math.sin(k * phase) / k;
      const envelope = Math.min(1, i / edge, (length - i) / edge);
      samples[word.beginSample + i] = Math.round((value / 2.3) * envelope * amplitude);
    }
  });
  return { samples, words: layout };
}
