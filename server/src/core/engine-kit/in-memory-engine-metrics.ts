/** An EngineMetrics that keeps everything in memory: for tests, the bench and the panel. */
import type { CircuitState } from './circuit-breaker.ts';
import type { ConnectionPurpose, EngineMetrics, FirstPacketPhase } from './engine-metrics.ts';

export interface InMemoryEngineMetrics extends EngineMetrics {
  readonly firstPacketMs: Record<string, number[]>;
  readonly retries: Record<string, number>;
  readonly failovers: Record<string, number>;
  readonly throttledWaitsMs: number[];
  readonly upstreamErrors: Record<string, number>;
  readonly circuitStates: Record<string, CircuitState>;
  readonly poolSizes: Record<string, { idle: number; busy: number }>;
  readonly connectionsOpened: Record<string, number>;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export function createInMemoryEngineMetrics(): InMemoryEngineMetrics {
  const m: InMemoryEngineMetrics = {
    firstPacketMs: {},
    retries: {},
    failovers: {},
    throttledWaitsMs: [],
    upstreamErrors: {},
    circuitStates: {},
    poolSizes: {},
    connectionsOpened: {},
    observeFirstPacketMs(engine: string, phase: FirstPacketPhase, ms: number) {
      (m.firstPacketMs[`${engine}:${phase}`] ??= []).push(ms);
    },
    countRetry: (engine: string, code: string) => bump(m.retries, `${engine}:${code}`),
    countFailover: (from: string, to: string) => bump(m.failovers, `${from}->${to}`),
    observeThrottledWaitMs: (_engine: string, ms: number) => void m.throttledWaitsMs.push(ms),
    countUpstreamError: (engine: string, code: string) => bump(m.upstreamErrors, `${engine}:${code}`),
    setCircuitState(engine: string, endpoint: string, state: CircuitState) {
      m.circuitStates[`${engine}:${endpoint}`] = state;
    },
    setPoolSize(engine: string, endpoint: string, idle: number, busy: number) {
      m.poolSizes[`${engine}:${endpoint}`] = { idle, busy };
    },
    countConnectionOpened: (engine: string, purpose: ConnectionPurpose) =>
      bump(m.connectionsOpened, `${engine}:${purpose}`),
  };
  return m;
}
