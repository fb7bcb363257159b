/**
 * Maps one upstream task's clock (ms of audio it has received) onto the session's clock.
 * A task is sent consecutive frames, so one offset does it; a gap (frames dropped from a full
 * buffer before they were sent) starts a new segment. Bounded: the oldest segments go.
 */
import { RECOGNIZER_FRAME_MS } from '../../server/src/core/recognizer.ts';

const MAX_SEGMENTS = 64;

export class TaskClock {
  /** [task ms where the segment starts, session ms it maps to], ascending. */
  private readonly segments: [number, number][] = [];
  private sentMs = 0;
  private lastIndex: number | undefined;

  /** A frame of session index `index` and `durationMs` was sent to the task. */
  sent(index: number, durationMs: number): void {
    if (this.lastIndex === undefined || index !== this.lastIndex + 1) {
      this.segments.push([this.sentMs, index * RECOGNIZER_FRAME_MS]);
      if (this.segments.length > MAX_SEGMENTS) this.segments.shift();
    }
    this.lastIndex = index;
    this.sentMs += durationMs;
  }

  toSessionMs(taskMs: number): number {
    let segment = this.segments[0];
    for (const s of this.segments) {
      if (s[0] > taskMs) break;
      segment = s;
    }
    return segment ? segment[1] + (taskMs - segment[0]) : taskMs;
  }
}
