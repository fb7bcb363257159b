/** Engine samples to AudioChunk payloads. */
import { BYTES_PER_SAMPLE } from '../../server/src/core/clock.ts';

/**
 * A copy of int16 samples as pcm_s16le bytes: one worker block, one chunk (the relay's
 * re-chunking sizes what goes on the wire; cutting here only made remainders).
 */
export function toPcm(samples: Int16Array): Uint8Array {
  const pcm = new Uint8Array(samples.length * BYTES_PER_SAMPLE);
  const view = new DataView(pcm.buffer);
  samples.forEach((sample, i) => view.setInt16(i * BYTES_PER_SAMPLE, sample, true));
  return pcm;
}
