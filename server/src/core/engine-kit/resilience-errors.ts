/**
 * Typed errors raised by the shared upstream-resilience machinery. Each is an EngineError
 * with a stable `code`; `retryable` tells the retry loop whether another attempt may help.
 */
import { EngineError } from '../errors.ts';

/** A phase of one upstream attempt, each with its own deadline. */
export type DeadlinePhase = 'connect' | 'task-started' | 'first-audio' | 'stall';

export class DeadlineExceededError extends EngineError {
  constructor(
    readonly phase: DeadlinePhase,
    readonly timeoutMs: number,
    endpoint: string,
  ) {
    super('deadline_exceeded', `${phase} deadline of ${timeoutMs} ms missed at ${endpoint}`, true);
  }
}

/** The upstream asked us to slow down (rate or concurrency quota): back off, do not fail over. */
export class UpstreamThrottledError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('upstream_throttled', message, true, options);
  }
}

/** Every endpoint's circuit is open: fail fast so a fallback engine can speak instead. */
export class CircuitOpenError extends EngineError {
  constructor(engine: string) {
    super('circuit_open', `${engine}: every endpoint's circuit is open after repeated failures`, true);
  }
}

/** The local upstream limiter's bounded wait queue is full (backpressure, nothing was sent). */
export class UpstreamQueueFullError extends EngineError {
  constructor(maxWaiting: number) {
    super('upstream_queue_full', `upstream limiter wait queue is full (${maxWaiting} waiting)`, true);
  }
}

/** The caller aborted the request (skip, shutdown). Never retried, never counted as a failure. */
export class SynthesisCancelledError extends EngineError {
  constructor(reason = 'synthesis cancelled') {
    super('cancelled', reason, false);
  }
}

/** The upstream refused us for a reason retrying cannot fix (bad key, unknown model or voice). */
export class UpstreamRejectedError extends EngineError {
  constructor(
    code: string,
    message: string,
    /** True when every request would fail the same way: the engine is unhealthy until reconfigured. */
    readonly disablesEngine: boolean,
  ) {
    super(code, message, false);
  }
}

/** How the retry loop treats a failed attempt. */
export type FailureKind = 'fatal' | 'throttled' | 'endpoint';

/**
 * fatal: give up now (bad key, bad config, cancelled); throttled: wait and retry without
 * blaming the endpoint; endpoint: count against the endpoint's breaker, fail over at once.
 */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof UpstreamThrottledError) return 'throttled';
  if (error instanceof EngineError && !error.retryable) return 'fatal';
  if (error instanceof CircuitOpenError || error instanceof UpstreamQueueFullError) return 'fatal';
  return 'endpoint';
}
