/**
 * The self-hosted CosyVoice engine (open-source FastAPI server): the shared retry,
 * failover, circuit-breaker and resume machinery around per-sentence streaming requests,
 * with word cues estimated from text and audio (timing 'estimated').
 */
import { defer, EMPTY, type Observable, throwError } from 'rxjs';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { cancelOnAbort } from '../../server/src/core/resilience/cancel-on-abort.ts';
import { EndpointSet } from '../../server/src/core/resilience/endpoint-set.ts';
import { EngineHealth } from '../../server/src/core/resilience/engine-health.ts';
import type { HealthReporting } from '../../server/src/core/resilience/health.ts';
import { resilientStream$ } from '../../server/src/core/resilience/resilient-stream.ts';
import { trackRequest } from '../../server/src/core/resilience/track-request.ts';
import { UtteranceProgress } from '../../server/src/core/resilience/utterance-progress.ts';
import type { SynthesisOutput, SynthesisRequest } from '../../server/src/core/types.ts';
import { type CosyVoiceSelfhostOptions, resolveSelfhostOptions } from './options.ts';
import { selfhostAttempt$ } from './selfhost-attempt.ts';

export interface CosyVoiceSelfhostEngine extends TtsEngine, HealthReporting {}

export function createCosyVoiceSelfhostEngine(engineOptions: CosyVoiceSelfhostOptions): CosyVoiceSelfhostEngine {
  const options = resolveSelfhostOptions(engineOptions);
  const { name, metrics } = options;
  const log = options.logger.child({ engine: name });
  const endpoints = new EndpointSet(options.urls, {
    breaker: options.breaker,
    onStateChange: (endpoint, state) => {
      metrics.setCircuitState(name, endpoint.url, state);
      log.warn({ url: endpoint.url, state }, `circuit ${state}`);
    },
  });
  const health = new EngineHealth(name, endpoints, log);

  const synthesize = (request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> =>
    defer(() => {
      const refusal = health.refusal();
      if (refusal) return throwError(() => refusal);
      if (!request.text.trim()) return EMPTY;
      const speaker = request.voice ?? options.speaker;
      const progress = new UtteranceProgress(request.text, options.sampleRateHz);
      return resilientStream$<SynthesisOutput>({
        engine: name,
        endpoints,
        retry: options.retry,
        attempt$: (context) => selfhostAttempt$(options, speaker, progress, context),
        isProgress: (output) => output.kind === 'audio',
        metrics,
        logger: log.child({ id: request.id }),
        random: options.random,
      }).pipe(trackRequest(name, metrics, health));
    }).pipe(cancelOnAbort(signal));

  return {
    name,
    sampleRateHz: options.sampleRateHz,
    synthesize,
    healthy: () => health.healthy(),
    healthReason: () => health.healthReason(),
    async close() {
      health.markClosed();
    },
  };
}
