/**
 * The retry loop every upstream engine shares. Runs attempts (each an Observable) against the
 * endpoint set: the first failure after progress is retried at once on the next endpoint,
 * further failures back off exponentially with jitter; throttling backs off without blaming
 * the endpoint; fatal errors (bad key, bad config) end the stream at once. Progress (new
 * output) resets the failure streak, so a drop mid-stream resumes immediately; resuming
 * where the audio left off is the attempt's job.
 */
import { Observable, type Subscription } from 'rxjs';
import { EngineError, RelayError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, backoffDelayMs } from './backoff.ts';
import type { EngineMetrics } from './engine-metrics.ts';
import type { Endpoint, EndpointSet } from './endpoint-set.ts';
import { CircuitOpenError, type FailureKind, failureKind } from './resilience-errors.ts';

export interface RetryPolicy extends BackoffPolicy {
  /**
   * Attempts in a row without new output before giving up. The default 5 is the first try,
   * an immediate retry on the next endpoint, then three backed-off tries (1 s, 2 s, 4 s).
   */
  maxAttempts: number;
  /** Retry the first failure of a streak at once, on the next endpoint. */
  failoverImmediately: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { ...DEFAULT_BACKOFF, maxAttempts: 5, failoverImmediately: true };

export interface AttemptContext {
  endpoint: Endpoint;
  /** 1-based count of attempts for this request. */
  attempt: number;
}

export interface ResilientStreamOptions<T> {
  engine: string;
  endpoints: EndpointSet;
  retry: RetryPolicy;
  attempt$: (context: AttemptContext) => Observable<T>;
  /** Whether a value is new output; default: every value is. */
  isProgress?: (value: T) => boolean;
  metrics: EngineMetrics;
  logger: Logger;
  random?: () => number;
}

export function asEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError('upstream_error', message, true, { cause: error });
}

/** Classifies a failed attempt and tells its endpoint's breaker: only an endpoint failure counts against it. */
export function judgeFailure(endpoint: Endpoint, error: unknown): FailureKind {
  const kind = failureKind(error);
  if (kind === 'endpoint') endpoint.breaker.recordFailure();
  else endpoint.breaker.recordNeutral();
  return kind;
}

/** Delay before the next attempt after `failuresInRow` consecutive failures of this kind. */
export function retryDelayMs(failuresInRow: number, throttled: boolean, policy: RetryPolicy, random: () => number): number {
  if (throttled) return backoffDelayMs(failuresInRow - 1, policy, random);
  if (policy.failoverImmediately && failuresInRow === 1) return 0;
  return backoffDelayMs(failuresInRow - (policy.failoverImmediately ? 2 : 1), policy, random);
}

export function resilientStream$<T>(options: ResilientStreamOptions<T>): Observable<T> {
  const isProgress = options.isProgress ?? (() => true);
  const random = options.random ?? Math.random;
  return new Observable<T>((subscriber) => {
    let failuresInRow = 0;
    let attempt = 0;
    let previous: Endpoint | undefined;
    let inner: Subscription | undefined;
    let pendingVerdict: Endpoint | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    const fail = (endpoint: Endpoint, error: unknown) => {
      pendingVerdict = undefined;
      const kind = judgeFailure(endpoint, error);
      const engineError = asEngineError(error);
      if (kind === 'fatal') return subscriber.error(engineError);
      failuresInRow += 1;
      if (failuresInRow >= options.retry.maxAttempts) return subscriber.error(engineError);
      const delayMs = retryDelayMs(failuresInRow, kind === 'throttled', options.retry, random);
      options.metrics.countRetry(options.engine, engineError.code);
      options.logger.warn(
        { url: endpoint.url, attempt, code: engineError.code, delayMs },
        `${options.engine}: attempt failed (${engineError.message}), retrying`,
      );
      // Throttling is account-wide: go back to the preferred endpoint rather than rotating.
      if (kind === 'throttled') previous = undefined;
      retryTimer = setTimeout(start, delayMs);
    };

    const start = () => {
      retryTimer = undefined;
      const endpoint = options.endpoints.acquireNext(previous);
      if (!endpoint) return subscriber.error(new CircuitOpenError(options.engine));
      previous = endpoint;
      attempt += 1;
      pendingVerdict = endpoint;
      inner = options.attempt$({ endpoint, attempt }).subscribe({
        next: (value) => {
          if (isProgress(value)) {
            failuresInRow = 0;
            if (pendingVerdict) endpoint.breaker.recordSuccess();
            pendingVerdict = undefined;
          }
          subscriber.next(value);
        },
        error: (error: unknown) => fail(endpoint, error),
        complete: () => {
          if (pendingVerdict) endpoint.breaker.recordSuccess();
          pendingVerdict = undefined;
          subscriber.complete();
        },
      });
    };

    start();
    return () => {
      if (retryTimer) clearTimeout(retryTimer);
      pendingVerdict?.breaker.recordNeutral();
      inner?.unsubscribe();
    };
  });
}

/** The stable code of any error, for metrics and logs. */
export function errorCode(error: unknown): string {
  return error instanceof RelayError ? error.code : 'unknown';
}
