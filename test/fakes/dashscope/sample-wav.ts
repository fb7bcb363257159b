/** Test helper: a voice sample as the library stores it (16 kHz mono 16-bit WAV), speech-like or silent. */
import { encodeWav } from '../../../server/src/core/wav-file.ts';
import { synthesizeSentence } from './synthetic-voice.ts';

const SAMPLE_RATE_HZ = 16_000;
const SENTENCE = '今天天气很好，我们一起去公园散步吧。Hello, this is my voice.';

export function sampleWav(seconds: number, { silent = false } = {}): Uint8Array {
  const frames = Math.round(seconds * SAMPLE_RATE_HZ);
  const pcm = new Int16Array(frames);
  if (!silent) {
    const sentence = synthesizeSentence(SENTENCE, { sampleRateHz: SAMPLE_RATE_HZ }).samples;
    for (let i = 0; i < frames; i++) pcm[i] = sentence[i % sentence.length]!;
  }
  return encodeWav(new Uint8Array(pcm.buffer), SAMPLE_RATE_HZ);
}
