/**
 * The self-hosted CosyVoice engine (open-source FastAPI server): the shared retry,
 * failover, circuit-breaker and resume machinery around per-sentence streaming requests,
 * with word cues estimated from text and audio (timing 'estimated').
 */
import type { Observable } from 'rxjs';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { EndpointSet } from '../../server/src/core/engine-kit/endpoint-set.ts';
import { EngineHealth } from '../../server/src/core/engine-kit/engine-health.ts';
import type { HealthReporting } from '../../server/src/core/engine-kit/health.ts';
import { resilientSynthesis$, type ResilientEngineParts } from '../../server/src/core/engine-kit/resilient-synthesis.ts';
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

  const parts: ResilientEngineParts = {
    name,
    sampleRateHz: options.sampleRateHz,
    endpoints,
    health,
    retry: options.retry,
    metrics,
    log,
    random: options.random,
    attempt$: (request, progress, context) => selfhostAttempt$(options, request.voice ?? options.speaker, progress, context),
  };
  const synthesize = (request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> =>
    resilientSynthesis$(parts, request, signal);

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
