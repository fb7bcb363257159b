/**
 * What the panel shows about the engines' upstream: failovers, retries, throttled waits and
 * pool sizes, recorded on the way to the relay's own EngineMetrics (Prometheus).
 */
import type { EngineMetrics } from '../core/engine-kit/engine-metrics.ts';
import type { PanelEngineStatus } from '../core/protocol.ts';

export type EngineActivity = Pick<PanelEngineStatus, 'failovers' | 'retries' | 'throttledWaits' | 'pool'>;

export interface EngineActivityRecorder {
  /** Forwards every call to the wrapped metrics. */
  readonly metrics: EngineMetrics;
  snapshot(): EngineActivity;
}

export function recordEngineActivity(inner: EngineMetrics): EngineActivityRecorder {
  const failovers: Record<string, number> = {};
  let retries = 0;
  const throttledWaits = { count: 0, totalMs: 0 };
  const pool = new Map<string, EngineActivity['pool'][number]>();
  const metrics: EngineMetrics = {
    ...inner,
    countRetry(engine, code) {
      retries += 1;
      inner.countRetry(engine, code);
    },
    countFailover(from, to, reason) {
      failovers[reason] = (failovers[reason] ?? 0) + 1;
      inner.countFailover(from, to, reason);
    },
    observeThrottledWaitMs(engine, ms) {
      throttledWaits.count += 1;
      throttledWaits.totalMs += ms;
      inner.observeThrottledWaitMs(engine, ms);
    },
    setPoolSize(engine, endpoint, idle, busy) {
      pool.set(`${engine} ${endpoint}`, { engine, endpoint, idle, busy });
      inner.setPoolSize(engine, endpoint, idle, busy);
    },
  };
  return {
    metrics,
    snapshot: () => ({ failovers: { ...failovers }, retries, throttledWaits: { ...throttledWaits }, pool: [...pool.values()].map((p) => ({ ...p })) }),
  };
}
