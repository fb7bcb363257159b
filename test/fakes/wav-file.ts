/** Test helper: a mono 16-bit PCM WAV file of `samples` (what the voice library stores as a prompt). */
import { encodeWav } from '../../server/src/core/wav-file.ts';

export const wavFile = (samples: Int16Array, sampleRateHz: number): Uint8Array =>
  encodeWav(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), sampleRateHz);
