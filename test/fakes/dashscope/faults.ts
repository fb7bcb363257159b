/** Faults the fake DashScope server injects on demand, each for the next N tasks or connections. */

export type TaskFault =
  /** Hold task-started back (ms, or forever). */
  | { kind: 'stall-before-task-started'; ms: number }
  /** Hold the first audio packet back (ms, or forever). */
  | { kind: 'stall-before-first-audio'; ms: number }
  /** Cut the TCP connection (no close frame) after this many audio frames of the task. */
  | { kind: 'drop-after-audio-frames'; frames: number }
  /** Answer with task-failed: on run-task (`afterMs` later, instead of task-started), or after this many audio frames. */
  | { kind: 'task-failed'; code: string; message: string; afterAudioFrames?: number; afterMs?: number }
  /** Answer the run-task with the real rate-limit error. */
  | { kind: 'rate-limit' };

export type ConnectionFault =
  /** Delay the WebSocket upgrade answer (a slow accept / slow TLS). */
  | { kind: 'slow-accept'; ms: number }
  /** Refuse the upgrade with this HTTP status. */
  | { kind: 'reject-handshake'; status: number };

/** A queue of faults, each consumed by the next matching task or connection. */
export class FaultQueue<F extends { kind: string }> {
  private readonly queue: F[] = [];

  clear(): void {
    this.queue.length = 0;
  }

  add(fault: F, times: number): void {
    for (let i = 0; i < times; i++) this.queue.push(fault);
  }

  /** Take the next fault of one of `kinds`, if any. */
  take<K extends F['kind']>(...kinds: K[]): Extract<F, { kind: K }> | undefined {
    const index = this.queue.findIndex((f) => (kinds as string[]).includes(f.kind));
    return index < 0 ? undefined : (this.queue.splice(index, 1)[0] as Extract<F, { kind: K }>);
  }

  /** Take the first queued fault of each kind (a task takes its faults when it starts). */
  takeOnePerKind(): F[] {
    const kinds = [...new Set(this.queue.map((f) => f.kind))] as F['kind'][];
    return kinds.map((kind) => this.take(kind)!);
  }
}
