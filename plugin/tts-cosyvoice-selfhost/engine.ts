/**
 * The self-hosted CosyVoice engine (the official FastAPI server, runtime/python/fastapi/server.py):
 * the shared retry, failover, circuit-breaker and resume machinery around per-sentence
 * streaming requests on the route each voice needs (preset, cloned voice, instruction), with
 * word cues estimated from text and audio (timing 'estimated'), each server probed at start and
 * while idle, and its sample-rate setting checked against how fast speech comes out.
 */
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { createNetworkEngine } from '../../server/src/core/engine-kit/network-engine.ts';
import type { SpeechParam } from '../../server/src/core/types.ts';
import { attempt$ } from './attempt.ts';
import { type CosyVoiceSelfhostOptions, resolveSelfhostOptions } from './options.ts';
import { selfhostProbe } from './probe.ts';
import { SELFHOST_ENGINE } from './routes.ts';
import { SpeakingRateCheck } from './speaking-rate.ts';

export async function createCosyVoiceSelfhostEngine(engineOptions: CosyVoiceSelfhostOptions): Promise<TtsEngine> {
  const options = resolveSelfhostOptions(engineOptions);
  const log = options.logger; // bound to the engine's name by whoever creates it
  const rateCheck = new SpeakingRateCheck(options.sampleRateHz, (url, finding) => log.warn({ url, sampleRateHz: options.sampleRateHz }, finding));
  const speechParams: SpeechParam[] = options.instructRoute === 'off' ? [] : ['instruct'];
  return createNetworkEngine({
    options,
    sampleRateHz: options.sampleRateHz,
    speechParams,
    cloning: { kind: 'prompt' },
    probe: selfhostProbe((url) => rateCheck.finding(url)),
    probeIntervalMs: options.probeIntervalMs,
    attempt$: (request, progress, context) => {
      // A cloned voice made for another engine: this engine speaks with its default speaker.
      const speaker = request.clone && request.clone.engine !== SELFHOST_ENGINE ? options.speaker : (request.voice ?? options.speaker);
      return attempt$({ options, request, speaker, rateCheck }, progress, context);
    },
  });
}
