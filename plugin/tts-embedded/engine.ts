/** The embedded engine: eSpeak NG (wasm) in worker threads, streamed as TtsEngine output. */
import { Observable } from 'rxjs';
import { msToSamples, samplesToMs } from '../../server/src/core/clock.ts';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { silentLogger, type Logger } from '../../server/src/core/logger.ts';
import type { SpeechParam, SynthesisOutput, SynthesisRequest } from '../../server/src/core/types.ts';
import { wordsFromEvents } from './cues.ts';
import { toPcmChunks } from './pcm.ts';
import { WorkerPool } from './pool.ts';
import type { Prosody } from './protocol.ts';
import { planSegments, resolveVoice, voiceNames } from './voices.ts';

export interface EmbeddedEngineOptions {
  /** Speaking rate in words per minute (eSpeak default 175). */
  rateWpm?: number;
  /** Base pitch, 0-100 (eSpeak default 50). */
  pitch?: number;
  /** Worker threads, each synthesizing one request at a time (default 1). */
  workers?: number;
  /** Requests that may wait for a free worker before new ones are refused (default 32). */
  maxQueued?: number;
  logger?: Logger;
}

const WORKER_URL = new URL('./worker.mjs', import.meta.url);
/** Longest AudioChunk, so the first audio leaves as soon as it exists. */
const MAX_CHUNK_MS = 100;
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

/** Starts the embedded engine; resolves once every worker has loaded the wasm. */
export function createEmbeddedEngine(options: EmbeddedEngineOptions = {}): Promise<TtsEngine> {
  return EmbeddedEngine.start(WORKER_URL, options);
}

export class EmbeddedEngine implements TtsEngine {
  readonly name = 'embedded';
  readonly speechParams: readonly SpeechParam[] = ['rate', 'pitch'];

  private constructor(
    private readonly pool: WorkerPool,
    private readonly voiceSet: ReadonlySet<string>,
    readonly sampleRateHz: number,
    private readonly baseProsody: Prosody,
    private readonly logger: Logger,
  ) {}

  /** `workerUrl` is worker.mjs or a stand-in speaking the same protocol (tests). */
  static async start(workerUrl: URL, options: EmbeddedEngineOptions = {}): Promise<EmbeddedEngine> {
    const logger = (options.logger ?? silentLogger).child({ engine: 'embedded' });
    const baseProsody: Prosody = { rateWpm: options.rateWpm ?? 175, pitch: options.pitch ?? 50 };
    const { pool, info } = await WorkerPool.start({
      workerUrl,
      workers: options.workers ?? 1,
      maxQueued: options.maxQueued ?? 32,
      setup: baseProsody,
      logger,
    });
    return new EmbeddedEngine(pool, voiceNames(info.voices), info.sampleRateHz, baseProsody, logger);
  }

  synthesize(request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> {
    return new Observable<SynthesisOutput>((subscriber) => {
      const text = request.text.trim();
      if (!text) {
        subscriber.error(new EngineError('engine_input', 'text is empty', false));
        return;
      }
      if (signal?.aborted) {
        subscriber.error(abortError(signal));
        return;
      }
      const segments = planSegments(text, { voice: this.overrideVoice(request), lang: request.lang }, this.voiceSet);
      const maxChunkSamples = msToSamples(MAX_CHUNK_MS, this.sampleRateHz);
      let emittedSamples = 0;
      let segmentStartSamples = 0;
      const cancel = this.pool.submit(segments, prosodyFor(request, this.baseProsody), {
        audio: (samples) => {
          for (const pcm of toPcmChunks(samples, maxChunkSamples)) {
            if (subscriber.closed) return;
            subscriber.next({ kind: 'audio', pcm, sampleRateHz: this.sampleRateHz });
          }
          emittedSamples += samples.length;
        },
        segment: (index, events) => {
          const span = {
            startMs: samplesToMs(segmentStartSamples, this.sampleRateHz),
            endMs: samplesToMs(emittedSamples, this.sampleRateHz),
          };
          segmentStartSamples = emittedSamples;
          const words = wordsFromEvents(segments[index]?.text ?? '', events, span);
          if (words.length > 0) subscriber.next({ kind: 'cue', words, timing: 'engine' });
        },
        done: () => subscriber.complete(),
        fail: (error) => {
          this.logger.warn({ id: request.id, code: error.code }, 'embedded synthesis failed');
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
    });
  }

  healthy(): boolean {
    return this.pool.healthy();
  }

  voices(): readonly string[] {
    return [...this.voiceSet].sort();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** The request's voice if eSpeak has it; other engines' voice names are ignored. */
  private overrideVoice(request: SynthesisRequest): string | undefined {
    if (!request.voice) return undefined;
    const voice = resolveVoice(request.voice, this.voiceSet);
    if (!voice) {
      this.logger.debug({ id: request.id, voice: request.voice }, 'voice unknown to eSpeak, choosing by script');
    }
    return voice;
  }
}

function abortError(signal: AbortSignal): EngineError {
  return new EngineError('engine_aborted', 'synthesis aborted', false, { cause: signal.reason });
}
