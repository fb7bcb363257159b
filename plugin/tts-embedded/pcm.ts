/** Engine samples to AudioChunk payloads. */
import { BYTES_PER_SAMPLE } from '../../server/src/core/clock.ts';

/** Copies int16 samples into pcm_s16le chunks of at most `maxSamples` samples each. */
export function toPcmChunks(samples: Int16Array, maxSamples: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let from = 0; from < samples.length; from += maxSamples) {
    const part = samples.subarray(from, from + maxSamples);
    const pcm = new Uint8Array(part.length * BYTES_PER_SAMPLE);
    const view = new DataView(pcm.buffer);
    part.forEach((sample, i) => view.setInt16(i * BYTES_PER_SAMPLE, sample, true));
    chunks.push(pcm);
  }
  return chunks;
}
