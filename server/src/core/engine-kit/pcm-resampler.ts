/**
 * Streaming linear resampler for signed 16-bit little-endian mono PCM, so engines with
 * different native rates can stand in for each other on one utterance clock.
 */
import { BYTES_PER_SAMPLE } from '../clock.ts';

export class LinearResampler {
  private readonly step: number;
  /** Position of the next output sample, in input samples, relative to `previous`. */
  private position = 0;
  private previous: number | undefined;

  constructor(
    readonly inputRateHz: number,
    readonly outputRateHz: number,
  ) {
    this.step = inputRateHz / outputRateHz;
  }

  push(pcm: Uint8Array): Uint8Array {
    const input = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const count = Math.floor(pcm.byteLength / BYTES_PER_SAMPLE);
    const offset = this.previous === undefined ? 0 : 1;
    const sampleAt = (i: number): number =>
      i < offset ? (this.previous as number) : input.getInt16((i - offset) * BYTES_PER_SAMPLE, true);
    const last = count - 1 + offset;
    const out: number[] = [];
    while (this.position < last) {
      const i = Math.floor(this.position);
      const frac = this.position - i;
      const a = sampleAt(i);
      out.push(frac === 0 ? a : Math.round(a + (sampleAt(i + 1) - a) * frac));
      this.position += this.step;
    }
    if (last >= 0) {
      this.previous = sampleAt(last);
      this.position -= last;
    }
    const bytes = new Uint8Array(out.length * BYTES_PER_SAMPLE);
    const view = new DataView(bytes.buffer);
    out.forEach((sample, k) => view.setInt16(k * BYTES_PER_SAMPLE, sample, true));
    return bytes;
  }
}
