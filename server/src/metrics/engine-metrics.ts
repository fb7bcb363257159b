/** The engines' EngineMetrics reported as Prometheus series on the relay's registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitState } from '../core/engine-kit/circuit-breaker.ts';
import type { EngineMetrics } from '../core/engine-kit/engine-metrics.ts';

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createPromEngineMetrics(registry: Registry): EngineMetrics {
  const registers = [registry];
  const firstPacketMs = new Histogram({
    name: 'relay_engine_first_packet_phase_ms',
    help: 'Time to the first audio packet, by engine and phase (limiter, connect, task-started, first-audio, total)',
    labelNames: ['engine', 'phase'],
    buckets: [5, 10, 25, 50, 100, 150, 200, 300, 500, 800, 1200, 2000, 5000],
    registers,
  });
  const retries = new Counter({ name: 'relay_engine_retries_total', help: 'Retried attempts, by failed code', labelNames: ['engine', 'code'], registers });
  const failovers = new Counter({ name: 'relay_engine_failovers_total', help: 'Fallback chain moved to the next engine', labelNames: ['from', 'to', 'reason'], registers });
  const throttledWaitMs = new Histogram({
    name: 'relay_engine_throttled_wait_ms',
    help: 'Time a request waited at the upstream limiter (quota / concurrency)',
    labelNames: ['engine'],
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10000],
    registers,
  });
  const upstreamErrors = new Counter({ name: 'relay_engine_upstream_errors_total', help: 'Errors from the upstream, by code', labelNames: ['engine', 'code'], registers });
  const circuit = new Gauge({ name: 'relay_engine_circuit_state', help: 'Circuit per endpoint: 0 closed, 1 half-open, 2 open', labelNames: ['engine', 'endpoint'], registers });
  const pool = new Gauge({ name: 'relay_engine_pool_connections', help: 'Pooled upstream connections by state', labelNames: ['engine', 'endpoint', 'state'], registers });
  const connections = new Counter({ name: 'relay_engine_connections_opened_total', help: 'Upstream connections opened, by purpose', labelNames: ['engine', 'purpose'], registers });
  return {
    observeFirstPacketMs: (engine, phase, ms) => firstPacketMs.observe({ engine, phase }, ms),
    countRetry: (engine, code) => retries.inc({ engine, code }),
    countFailover: (from, to, reason) => failovers.inc({ from, to, reason }),
    observeThrottledWaitMs: (engine, ms) => throttledWaitMs.observe({ engine }, ms),
    countUpstreamError: (engine, code) => upstreamErrors.inc({ engine, code }),
    setCircuitState: (engine, endpoint, state) => circuit.set({ engine, endpoint }, CIRCUIT_VALUE[state]),
    setPoolSize: (engine, endpoint, idle, busy) => {
      pool.set({ engine, endpoint, state: 'idle' }, idle);
      pool.set({ engine, endpoint, state: 'busy' }, busy);
    },
    countConnectionOpened: (engine, purpose) => connections.inc({ engine, purpose }),
  };
}
