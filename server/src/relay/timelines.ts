/**
 * Each in-flight readout's timeline summary (duration, words, first-chunk time) once its
 * engine finished. Bounded by the limiter: entries are forgotten when the readout is released
 * or reaches a final state.
 */
import type { TimelineSummary } from '../pipeline/timeline.ts';

export class Timelines {
  private readonly byId = new Map<string, TimelineSummary>();

  set(id: string, summary: TimelineSummary): void {
    this.byId.set(id, summary);
  }

  /** Audio duration, once synthesis completed. */
  durationMs(id: string): number | undefined {
    return this.byId.get(id)?.durationMs;
  }

  forget(id: string): void {
    this.byId.delete(id);
  }
}
