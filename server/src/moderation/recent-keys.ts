/**
 * Keys seen recently, with bounded memory: entries older than the window are pruned on
 * every record, and past `maxKeys` the oldest go first. Insertion order is time order
 * (a re-recorded key moves to the end), so pruning only looks at the front.
 */
export class RecentKeys {
  private readonly seenAtMs = new Map<string, number>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.seenAtMs.size;
  }

  /** Whether `key` was recorded less than `windowMs` before `nowMs`. */
  seenWithin(key: string, windowMs: number, nowMs: number): boolean {
    const at = this.seenAtMs.get(key);
    return at !== undefined && nowMs - at < windowMs;
  }

  record(key: string, nowMs: number, windowMs: number): void {
    this.seenAtMs.delete(key);
    this.seenAtMs.set(key, nowMs);
    for (const [oldest, at] of this.seenAtMs) {
      if (this.seenAtMs.size <= this.maxKeys && nowMs - at < windowMs) break;
      this.seenAtMs.delete(oldest);
    }
  }
}
