/** Test helper: a voice sample as the library stores it (16 kHz mono 16-bit WAV), speech-like or silent. */
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
  const wav = Buffer.alloc(44 + pcm.byteLength);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + pcm.byteLength, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(SAMPLE_RATE_HZ, 24);
  wav.writeUInt32LE(SAMPLE_RATE_HZ * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(pcm.byteLength, 40);
  Buffer.from(pcm.buffer).copy(wav, 44);
  return new Uint8Array(wav);
}
