/** A token bucket: `ratePerS` tokens per second, at most `capacity` saved up. Pure: no timers. */
export class TokenBucket {
  private tokens: number;
  private refilledAtMs: number;

  constructor(
    private readonly ratePerS: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerS > 0) || !(capacity >= 1)) throw new RangeError('token bucket needs ratePerS > 0 and capacity >= 1');
    this.tokens = capacity;
    this.refilledAtMs = now();
  }

  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until one whole token is available (0 when one is available now). */
  msUntilToken(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerS);
  }

  private refill(): void {
    const nowMs = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.refilledAtMs) * this.ratePerS) / 1000);
    this.refilledAtMs = nowMs;
  }
}
