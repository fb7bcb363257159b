/**
 * Streaming downsampler for the captioner: Float32 microphone blocks at the AudioContext's
 * rate (44.1 / 48 kHz, any rate ≥ the target) → mono Int16 at `outRateHz` (16 kHz for the
 * recognizer), cut into fixed frames (100 ms = 1,600 samples).
 *
 * Each output sample is the mean of the input samples in its period (a box filter, with the
 * fractional edges weighted): an anti-aliasing low-pass good enough for speech (first null at
 * the output rate, −13 dB side lobes) and exact on the clock: n input samples always give
 * n × out/in output samples, carried across blocks, so 60 min of audio are 60 min of frames.
 * Pure: no Web Audio here (the AudioWorklet wraps it), so it is unit-tested in Node.
 */
import { RECOGNIZER_FRAME_MS, RECOGNIZER_SAMPLE_RATE_HZ } from '../../../server/src/core/recognizer.ts';

export class PcmDownsampler {
  // Integer bookkeeping keeps the clock exact: an input sample weighs `outRateHz` units,
  // an output period `inRateHz` units (44,100 / 16,000 has no exact float step).
  private readonly inRateHz: number;
  /** Units of the current output period already filled. */
  private filledUnits = 0;
  private acc = 0;
  private readonly frame: Int16Array;
  private filled = 0;

  constructor(
    inRateHz: number,
    readonly outRateHz = RECOGNIZER_SAMPLE_RATE_HZ,
    readonly frameSamples = (RECOGNIZER_SAMPLE_RATE_HZ / 1000) * RECOGNIZER_FRAME_MS,
  ) {
    if (!Number.isInteger(inRateHz) || !(inRateHz >= outRateHz)) throw new RangeError(`input rate ${inRateHz} Hz is not an integer rate at or above ${outRateHz} Hz`);
    this.inRateHz = inRateHz;
    this.frame = new Int16Array(frameSamples);
  }

  /** Feeds one block; returns the frames it completed (each a fresh Int16Array of `frameSamples`). */
  push(block: Float32Array): Int16Array[] {
    const frames: Int16Array[] = [];
    const unit = this.outRateHz;
    for (let i = 0; i < block.length; i++) {
      const x = block[i]!;
      if (this.filledUnits + unit < this.inRateHz) {
        this.acc += x * unit;
        this.filledUnits += unit;
        continue;
      }
      // This input sample straddles the period's end: split its weight.
      const inside = this.inRateHz - this.filledUnits;
      this.emit((this.acc + x * inside) / this.inRateHz, frames);
      this.acc = x * (unit - inside);
      this.filledUnits = unit - inside;
    }
    return frames;
  }

  private emit(sample: number, frames: Int16Array[]): void {
    const clamped = Math.max(-1, Math.min(1, sample));
    this.frame[this.filled++] = Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff);
    if (this.filled === this.frameSamples) {
      frames.push(this.frame.slice());
      this.filled = 0;
    }
  }
}

/** Peak and RMS of a block, 0…1 (the level meter). */
export function levelOf(block: Float32Array): { peak: number; rms: number } {
  let peak = 0;
  let sum = 0;
  for (const x of block) {
    const a = Math.abs(x);
    if (a > peak) peak = a;
    sum += x * x;
  }
  return { peak: Math.min(1, peak), rms: block.length === 0 ? 0 : Math.sqrt(sum / block.length) };
}
