/** The embedded engine: eSpeak NG (wasm) in worker threads, streamed as TtsEngine output. */
import { Observable } from 'rxjs';
import { samplesToMs } from '../../server/src/core/clock.ts';
import { NO_CLONING, type TtsEngine } from '../../server/src/core/engine.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { trimLeadingSilence } from '../../server/src/core/engine-kit/leading-silence.ts';
import { trackRequest } from '../../server/src/core/engine-kit/track-request.ts';
import type { SynthesisOutput, SynthesisRequest } from '../../server/src/core/types.ts';
import { wordsFromEvents } from './cues.ts';
import { toPcm } from './pcm.ts';
import { type EmbeddedEngineOptions, resolveEmbeddedOptions } from './options.ts';
import { WorkerPool } from './pool.ts';
import type { Prosody } from './protocol.ts';
import { planSegments, resolveVoice, voiceNames } from './voices.ts';

/** eSpeak NG's usable speaking rates and pitch range. */
const RATE_WPM_RANGE = [80, 450] as const;
const PITCH_RANGE = [0, 100] as const;

function clamp(value: number, [min, max]: readonly [number, number]): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** The base prosody scaled by a request's `rate` and `pitch` multipliers. */
export function prosodyFor(request: Pick<SynthesisRequest, 'rate' | 'pitch'>, base: Prosody): Prosody {
  return {
    rateWpm: clamp(base.rateWpm * (request.rate ?? 1), RATE_WPM_RANGE),
    pitch: clamp(base.pitch * (request.pitch ?? 1), PITCH_RANGE),
  };
}

const ENGINE_NAME = 'embedded';

/** Starts the embedded engine; resolves once every worker has loaded the wasm. */
export async function createEmbeddedEngine(engineOptions: EmbeddedEngineOptions = {}): Promise<TtsEngine> {
  const { prosody: baseProsody, metrics, ...options } = resolveEmbeddedOptions(engineOptions);
  const logger = options.logger; // bound to the engine's name by whoever creates it
  const { pool, info } = await WorkerPool.start({ ...options, setup: baseProsody, logger });
  const { sampleRateHz } = info;
  const voiceSet = voiceNames(info.voices);

  /** The request's voice if eSpeak has it; other engines' voice names are ignored. */
  const overrideVoice = (request: SynthesisRequest): string | undefined => {
    if (!request.voice) return undefined;
    const voice = resolveVoice(request.voice, voiceSet);
    if (!voice) logger.debug({ id: request.id, voice: request.voice }, 'voice unknown to eSpeak, choosing by script');
    return voice;
  };

  const synthesize = (request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> =>
    new Observable<SynthesisOutput>((subscriber) => {
      const text = request.text.trim();
      if (!text) {
        subscriber.error(new EngineError('engine_input', 'text is empty', false));
        return;
      }
      if (signal?.aborted) {
        subscriber.error(abortError(signal));
        return;
      }
      const segments = planSegments(text, { voice: overrideVoice(request), lang: request.lang }, voiceSet);
      let emittedSamples = 0;
      let segmentStartSamples = 0;
      const cancel = pool.submit(segments, prosodyFor(request, baseProsody), {
        // One chunk per worker block (eSpeak's ~100 ms buffer), as soon as it exists.
        audio: (samples) => {
          if (subscriber.closed || samples.length === 0) return;
          subscriber.next({ kind: 'audio', pcm: toPcm(samples), sampleRateHz });
          emittedSamples += samples.length;
        },
        segment: (index, events) => {
          const span = { startMs: samplesToMs(segmentStartSamples, sampleRateHz), endMs: samplesToMs(emittedSamples, sampleRateHz) };
          segmentStartSamples = emittedSamples;
          const words = wordsFromEvents(segments[index]?.text ?? '', events, span);
          if (words.length > 0) subscriber.next({ kind: 'cue', words, timing: 'engine' });
        },
        done: () => subscriber.complete(),
        fail: (error) => {
          logger.warn({ id: request.id, code: error.code }, 'embedded synthesis failed');
          subscriber.error(error);
        },
      });
      const onAbort = (): void => {
        cancel();
        subscriber.error(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      return () => {
        signal?.removeEventListener('abort', onAbort);
        cancel();
      };
    }).pipe(
      // eSpeak starts many utterances with up to ~40 ms of exact zeros: the clock starts at the voice.
      trimLeadingSilence(),
      trackRequest(ENGINE_NAME, metrics),
    );

  return {
    name: ENGINE_NAME,
    sampleRateHz,
    speechParams: ['rate', 'pitch'],
    cloning: NO_CLONING,
    voices: () => [...voiceSet].sort(),
    synthesize,
    healthy: () => pool.healthy(),
    healthReason: () => pool.healthReason(),
    close: () => pool.close(),
  };
}

function abortError(signal: AbortSignal): EngineError {
  return new EngineError('engine_aborted', 'synthesis aborted', false, { cause: signal.reason });
}
