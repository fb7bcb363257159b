/**
 * The self-hosted CosyVoice engine (open-source FastAPI server): the shared retry,
 * failover, circuit-breaker and resume machinery around per-sentence streaming requests,
 * with word cues estimated from text and audio (timing 'estimated').
 */
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { createNetworkEngine } from '../../server/src/core/engine-kit/network-engine.ts';
import { attempt$ } from './attempt.ts';
import { type CosyVoiceSelfhostOptions, resolveSelfhostOptions } from './options.ts';

export async function createCosyVoiceSelfhostEngine(engineOptions: CosyVoiceSelfhostOptions): Promise<TtsEngine> {
  const options = resolveSelfhostOptions(engineOptions);
  return createNetworkEngine({
    options,
    sampleRateHz: options.sampleRateHz,
    attempt$: (request, progress, context) => attempt$(options, request.voice ?? options.speaker, progress, context),
  });
}
