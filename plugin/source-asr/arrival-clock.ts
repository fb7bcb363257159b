/**
 * When each part of a feed's audio reached the relay: maps a time on the recognizer
 * session's audio clock (ms since the first sample written) to the wall clock. Frames are
 * recorded as they arrive; a sample inside a frame arrived `frameEnd − t` before the frame's
 * arrival. Bounded (the last `maxFrames` frames); earlier times are extrapolated from the
 * oldest frame kept.
 */
export class ArrivalClock {
  private readonly audioEndMs: number[] = [];
  private readonly wallMs: number[] = [];
  private writtenMs = 0;

  constructor(private readonly maxFrames = 1200) {}

  /** A frame of `durationMs` arrived at `wallMs`. */
  record(durationMs: number, wallMs: number): void {
    this.writtenMs += durationMs;
    this.audioEndMs.push(this.writtenMs);
    this.wallMs.push(wallMs);
    if (this.audioEndMs.length > this.maxFrames) {
      this.audioEndMs.shift();
      this.wallMs.shift();
    }
  }

  /** Wall clock when the audio at `audioMs` arrived; undefined before any frame. */
  wallAt(audioMs: number): number | undefined {
    const n = this.audioEndMs.length;
    if (n === 0) return undefined;
    // The first frame whose end is at or after audioMs (binary search).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.audioEndMs[mid]! >= audioMs) hi = mid;
      else lo = mid + 1;
    }
    return this.wallMs[lo]! - (this.audioEndMs[lo]! - audioMs);
  }
}
