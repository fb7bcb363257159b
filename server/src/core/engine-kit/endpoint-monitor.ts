/**
 * Whether each upstream server of a network engine answers, known before any caption fails:
 * the plugin's cheap probe runs at start and every `intervalMs` while the engine is idle,
 * and every request's outcome updates the same record (an answer that is an error still
 * means the server is reachable; only a refused or silent connection means it is not).
 */
import type { EndpointStatus } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { DeadlineExceededError } from './resilience-errors.ts';

export interface ProbeResult {
  reachable: boolean;
  /** Why not, or what the probe found wrong although the server answered. */
  detail?: string;
}

/** One cheap request to `url`; resolves to what it found (a failure is a result, not a throw). */
export type EndpointProbe = (url: string, signal: AbortSignal) => Promise<ProbeResult>;

export interface EndpointMonitorOptions {
  urls: readonly string[];
  probe?: EndpointProbe;
  /** Probe period while idle (default 5 s). */
  intervalMs?: number;
  /** A probe not answered within this is "unreachable" (default 3 s). */
  timeoutMs?: number;
  /** True while requests are in flight: their outcomes tell the same, no probe needed. */
  busy: () => boolean;
  logger: Logger;
  now?: () => number;
}

export const DEFAULT_PROBE_INTERVAL_MS = 5_000;
const DEFAULT_PROBE_TIMEOUT_MS = 3_000;

/** Whether an attempt's failure means nothing answered at `url`. */
export function meansUnreachable(error: unknown): boolean {
  if (error instanceof DeadlineExceededError) return error.phase === 'connect';
  return error instanceof EngineError && error.code === 'connect_failed';
}

export class EndpointMonitor {
  private readonly records: Map<string, EndpointStatus>;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly inFlight = new Set<AbortController>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: EndpointMonitorOptions) {
    this.now = options.now ?? Date.now;
    this.records = new Map(options.urls.map((url) => [url, { url, reachable: true, checkedAtMs: 0 }]));
  }

  /** Probe every endpoint now, then every interval while idle. No-op without a probe. */
  start(): void {
    if (!this.options.probe || this.timer) return;
    void this.probeAll();
    this.timer = setInterval(() => {
      if (!this.options.busy()) void this.probeAll();
    }, this.options.intervalMs ?? DEFAULT_PROBE_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Probe every endpoint once (resolves when all answered or timed out). */
  async probeAll(): Promise<void> {
    const { probe } = this.options;
    if (!probe) return;
    await Promise.all(
      [...this.records.keys()].map(async (url) => {
        const abort = new AbortController();
        this.inFlight.add(abort);
        const timeoutMs = this.options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
        const timer = setTimeout(() => abort.abort(), timeoutMs);
        try {
          const result = await probe(url, abort.signal).catch((error: unknown) => ({
            reachable: false,
            detail: abort.signal.aborted ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error),
          }));
          if (!this.closed) this.record(url, result);
        } finally {
          clearTimeout(timer);
          this.inFlight.delete(abort);
        }
      }),
    );
  }

  /** A request to `url` produced audio (`error` undefined) or failed with `error`. */
  noteOutcome(url: string, error?: unknown): void {
    if (error === undefined) return this.record(url, { reachable: true });
    if (meansUnreachable(error)) this.record(url, { reachable: false, detail: (error as Error).message });
  }

  statuses(): EndpointStatus[] {
    return [...this.records.values()].map((s) => ({ ...s }));
  }

  /** Every endpoint was checked and none answered. */
  noneReachable(): boolean {
    return [...this.records.values()].every((s) => s.checkedAtMs > 0 && !s.reachable);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const abort of this.inFlight) abort.abort();
  }

  private record(url: string, result: ProbeResult): void {
    const previous = this.records.get(url);
    if (!previous) return;
    // A request that succeeded keeps what the probe found wrong (e.g. a sample-rate warning).
    const detail = result.detail ?? (result.reachable && previous.reachable ? previous.detail : undefined);
    const next: EndpointStatus = { url, reachable: result.reachable, checkedAtMs: this.now(), ...(detail ? { detail } : {}) };
    if (previous.checkedAtMs === 0 || previous.reachable !== next.reachable || previous.detail !== next.detail) {
      const { logger } = this.options;
      if (!next.reachable) logger.warn({ url, detail }, `endpoint unreachable: ${detail}`);
      else if (detail) logger.warn({ url, detail }, `endpoint answers, but: ${detail}`);
      else logger.info({ url }, 'endpoint answers');
    }
    this.records.set(url, next);
  }
}
