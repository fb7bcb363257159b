/**
 * One engine request through the shared machinery: refused at once while the engine is
 * unhealthy, empty text is silence, then attempts with retry, failover, circuit breakers and
 * resume (by the utterance's progress), tracked in metrics and health, stopped by `signal`.
 * The engines differ only in their attempt and in what they refuse up front.
 */
import { defer, EMPTY, type Observable, throwError } from 'rxjs';
import type { EngineError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { SynthesisOutput, SynthesisRequest } from '../types.ts';
import { cancelOnAbort } from './cancel-on-abort.ts';
import type { EndpointSet } from './endpoint-set.ts';
import type { EngineHealth } from './engine-health.ts';
import type { EngineMetrics } from './engine-metrics.ts';
import { resilientStream$, type AttemptContext, type RetryPolicy } from './resilient-stream.ts';
import { trackRequest } from './track-request.ts';
import { UtteranceProgress } from './utterance-progress.ts';

export interface ResilientEngineParts {
  name: string;
  sampleRateHz: number;
  endpoints: EndpointSet;
  health: EngineHealth;
  retry: RetryPolicy;
  metrics: EngineMetrics;
  log: Logger;
  random?: () => number;
  /** A refusal before any attempt (e.g. text over the upstream's limit). */
  precheck?: (request: SynthesisRequest) => EngineError | undefined;
  attempt$: (request: SynthesisRequest, progress: UtteranceProgress, context: AttemptContext) => Observable<SynthesisOutput>;
}

export function resilientSynthesis$(parts: ResilientEngineParts, request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> {
  const { name, health, metrics } = parts;
  return defer(() => {
    const refusal = health.refusal() ?? parts.precheck?.(request);
    if (refusal) return throwError(() => refusal);
    if (!request.text.trim()) return EMPTY;
    const progress = new UtteranceProgress(request.text, parts.sampleRateHz);
    return resilientStream$<SynthesisOutput>({
      engine: name,
      endpoints: parts.endpoints,
      retry: parts.retry,
      attempt$: (context) => parts.attempt$(request, progress, context),
      isProgress: (output) => output.kind === 'audio',
      metrics,
      logger: parts.log.child({ id: request.id }),
      random: parts.random,
    }).pipe(trackRequest(name, metrics, health));
  }).pipe(cancelOnAbort(signal));
}
