/**
 * What TTS engines report about their upstream, as plain counters and observations. The
 * composition root maps it to prom-client; tests and the bench use the in-memory recorder.
 */
import type { CircuitState } from './circuit-breaker.ts';

/** Phases of the time to first audio packet; `total` spans the whole request. */
export type FirstPacketPhase = 'limiter' | 'connect' | 'task-started' | 'first-audio' | 'total';

/** Why a connection was opened: warm-pool fill, renewal before the idle timeout, a dead socket's replacement, or on demand (cold). */
export type ConnectionPurpose = 'warm' | 'renew' | 'replace' | 'cold';

export interface EngineMetrics {
  /** Time spent in one phase before the first audio packet of a request, in ms. */
  observeFirstPacketMs(engine: string, phase: FirstPacketPhase, ms: number): void;
  /** One retry of an attempt, with the failed attempt's error code. */
  countRetry(engine: string, code: string): void;
  /** A fallback chain moved from one engine to the next. */
  countFailover(fromEngine: string, toEngine: string, reason: string): void;
  /** A request waited at the upstream limiter (quota or concurrency), in ms. */
  observeThrottledWaitMs(engine: string, ms: number): void;
  /** An error from the upstream, by code (including throttling answers). */
  countUpstreamError(engine: string, code: string): void;
  setCircuitState(engine: string, endpoint: string, state: CircuitState): void;
  setPoolSize(engine: string, endpoint: string, idle: number, busy: number): void;
  countConnectionOpened(engine: string, purpose: ConnectionPurpose): void;
}

export const noopEngineMetrics: EngineMetrics = {
  observeFirstPacketMs: () => {},
  countRetry: () => {},
  countFailover: () => {},
  observeThrottledWaitMs: () => {},
  countUpstreamError: () => {},
  setCircuitState: () => {},
  setPoolSize: () => {},
  countConnectionOpened: () => {},
};
