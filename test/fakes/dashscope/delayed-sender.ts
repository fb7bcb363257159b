/**
 * Emulates one direction of network latency: actions run `delayMs()` after they are
 * scheduled, strictly in order (one queue, one timer). Used for every frame the fake
 * sends and receives.
 */
export class DelayedSender {
  private readonly queue: { atMs: number; action: () => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly delayMs: () => number) {}

  run(action: () => void): void {
    const delayMs = this.delayMs();
    if (delayMs <= 0 && this.queue.length === 0) return action();
    const last = this.queue[this.queue.length - 1];
    this.queue.push({ atMs: Math.max(last?.atMs ?? 0, Date.now() + delayMs), action });
    if (!this.timer) this.schedule();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private schedule(): void {
    const head = this.queue[0];
    this.timer = head ? setTimeout(() => this.flush(), Math.max(0, head.atMs - Date.now())) : undefined;
  }

  private flush(): void {
    while (this.queue.length > 0 && this.queue[0]!.atMs <= Date.now()) this.queue.shift()!.action();
    this.schedule();
  }
}
