/** The engine kit: what every TTS engine is built from (deadlines, retries, circuit breakers, limits, health, metrics, PCM and text helpers, the fallback chain). Plain TS + rxjs + node built-ins. */
export { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from './backoff.ts';
export { cancelOnAbort } from './cancel-on-abort.ts';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState, DEFAULT_CIRCUIT_BREAKER } from './circuit-breaker.ts';
export { DEFAULT_PROBE_INTERVAL_MS, type EndpointProbe, EndpointMonitor, meansUnreachable, type ProbeResult } from './endpoint-monitor.ts';
export { type Endpoint, EndpointSet } from './endpoint-set.ts';
export { chainOf, createEngineChain, type EngineChainOptions } from './engine-chain.ts';
export { EngineHealth } from './engine-health.ts';
export { type ConnectionPurpose, type EngineMetrics, type FirstPacketPhase, noopEngineMetrics } from './engine-metrics.ts';
export { createInMemoryEngineMetrics, type InMemoryEngineMetrics } from './in-memory-engine-metrics.ts';
export {
  createNetworkEngine,
  type NetworkEngine,
  type NetworkEngineOptions,
  type NetworkEngineParts,
  resolveNetworkOptions,
  type ResolvedNetworkOptions,
} from './network-engine.ts';
export { PhaseDeadline } from './phase-deadline.ts';
export {
  CircuitOpenError,
  DeadlineExceededError,
  type DeadlinePhase,
  failureKind,
  SynthesisCancelledError,
  UpstreamQueueFullError,
  UpstreamRejectedError,
  UpstreamThrottledError,
} from './resilience-errors.ts';
export { type AttemptContext, DEFAULT_RETRY, resilientStream$, type RetryPolicy } from './resilient-stream.ts';
export {
  createLocalUpstreamLimiter,
  type LocalUpstreamLimiter,
  type LocalUpstreamLimiterOptions,
  type ReleaseUpstream,
  type SpareWork,
  unlimitedUpstreamLimiter,
  type UpstreamLimiter,
} from './upstream-limiter.ts';
