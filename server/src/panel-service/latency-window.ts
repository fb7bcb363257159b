/**
 * The panel's last hour: first-audio latency of each readout that started playing (with
 * p50/p95; measured from its turn), the time those readouts waited for their turn (p50/p95),
 * and readouts dropped, by reason. Seeded from the queue's history at start, then
 * fed every queue change. Bounded: at most `maxEntries` points and as many drops are kept.
 */
import type { PanelStats } from '../core/protocol.ts';
import type { Utterance } from '../core/types.ts';
import { reasonLabel } from '../relay/relay-metrics.ts';

export const HOUR_MS = 3_600_000;

type Change = Pick<Utterance, 'state' | 'reason' | 'firstAudioMs' | 'waitMs' | 'updatedAtMs'>;

/** Nearest-rank percentile of ascending `sorted`; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function ascending(points: readonly [number, number][]): number[] {
  return points.map(([, ms]) => ms).sort((a, b) => a - b);
}

export class LatencyWindow {
  private readonly points: [number, number][] = [];
  /** [atMs, waitMs] of the same readouts. */
  private readonly waits: [number, number][] = [];
  private readonly drops: { atMs: number; reason: string }[] = [];

  constructor(
    private readonly windowMs = HOUR_MS,
    private readonly maxEntries = 10_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** A live queue change: a readout that started playing adds its first-audio point, a dropped one its reason. */
  record(change: Change): void {
    if (change.state === 'playing') this.started(change);
    if (change.state === 'dropped') this.push(this.drops, { atMs: change.updatedAtMs, reason: reasonLabel(change.reason) });
  }

  /** Finished readouts from history, oldest first (at start): each that played counts once, each drop too. */
  seed(entries: Iterable<Change>): void {
    for (const e of entries) {
      this.started(e);
      if (e.state === 'dropped') this.push(this.drops, { atMs: e.updatedAtMs, reason: reasonLabel(e.reason) });
    }
  }

  snapshot(): PanelStats {
    const sinceMs = this.nowMs() - this.windowMs;
    const points = this.points.filter(([atMs]) => atMs >= sinceMs);
    const sorted = ascending(points);
    const waits = ascending(this.waits.filter(([atMs]) => atMs >= sinceMs));
    const drops: Record<string, number> = {};
    for (const d of this.drops) if (d.atMs >= sinceMs) drops[d.reason] = (drops[d.reason] ?? 0) + 1;
    return {
      windowMs: this.windowMs,
      firstAudio: points,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      waitP50Ms: percentile(waits, 50),
      waitP95Ms: percentile(waits, 95),
      drops,
    };
  }

  /** A readout that started playing (live, or from history): its first-audio point and its wait. */
  private started(e: Change): void {
    if (e.firstAudioMs === undefined) return;
    this.push(this.points, [e.updatedAtMs, e.firstAudioMs]);
    if (e.waitMs !== undefined) this.push(this.waits, [e.updatedAtMs, e.waitMs]);
  }

  private push<T>(list: T[], entry: T): void {
    list.push(entry);
    if (list.length > this.maxEntries) list.splice(0, list.length - this.maxEntries);
  }
}
