/**
 * One deadline timer per upstream attempt, re-armed at each phase (connect, task-started,
 * first audio, stall between chunks). A miss reports a DeadlineExceededError naming the phase.
 */
import { DeadlineExceededError, type DeadlinePhase } from './resilience-errors.ts';

export class PhaseDeadline {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly endpoint: string,
    private readonly onMiss: (error: DeadlineExceededError) => void,
  ) {}

  arm(phase: DeadlinePhase, timeoutMs: number): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onMiss(new DeadlineExceededError(phase, timeoutMs, this.endpoint));
    }, timeoutMs);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
