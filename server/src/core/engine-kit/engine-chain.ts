/**
 * The EngineChain the relay holds: one or more engines in fallback order
 * (TTS_ENGINE=cosyvoice,cosyvoice-selfhost,embedded). Each request goes to the first healthy
 * engine; when it cannot produce a first audio packet within its budget, or fails before one,
 * the next engine takes over. An engine that fails after its audio was heard is followed by the
 * next healthy engine from the first sentence not completely heard (known from the word cues),
 * on the same clock: its audio follows what was emitted, its cues move by that much, and the
 * switch is remembered per request (`switchesOf`). Audio from engines with another native rate
 * is resampled to the chain's rate. A chain of one is its engine: no budget, no health filter,
 * the engine's own errors and health reason.
 */
import { Observable, Subscription } from 'rxjs';
import { BYTES_PER_SAMPLE } from '../clock.ts';
import { NO_CLONING, type EngineChain, type EngineChainStats, type TtsEngine } from '../engine.ts';
import { ConfigError, EngineError } from '../errors.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { EngineSwitch, SpeechParam, SynthesisOutput, SynthesisRequest, WordCue } from '../types.ts';
import { type EngineMetrics, noopEngineMetrics } from './engine-metrics.ts';
import { HeardSentences } from './heard-sentences.ts';
import { LinearResampler } from './pcm-resampler.ts';
import { SynthesisCancelledError } from './resilience-errors.ts';
import { errorCode } from './resilient-stream.ts';

export interface EngineChainOptions {
  /** Time each engine but the last gets to produce its first audio packet (one value, or one per engine); required for two or more engines. */
  firstPacketBudgetMs?: number | readonly number[];
  /** Called once per request with the engine that spoke and the ones passed over. */
  onSpokenBy?: (event: { requestId: string; engine: string; passedOver: string[] }) => void;
  /** How many request ids `spokenBy` and `switchesOf` remember (default 1000). */
  spokenByHistory?: number;
  /** Defaults to the engines' names joined with '>'. */
  name?: string;
  logger?: Logger;
  metrics?: EngineMetrics;
}

/** A chain of one: what a caller holding one bare engine (tests, an engine override) gives the relay. */
export function chainOf(engine: TtsEngine, options: Omit<EngineChainOptions, 'firstPacketBudgetMs'> = {}): EngineChain {
  return createEngineChain([engine], options);
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

export function createEngineChain(engines: readonly TtsEngine[], options: EngineChainOptions = {}): EngineChain {
  const first = engines[0];
  if (!first) throw new ConfigError('an engine chain needs at least one engine');
  const budget = options.firstPacketBudgetMs;
  if (engines.length > 1 && budget === undefined) throw new ConfigError('an engine chain of two or more engines needs a first-packet budget');
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopEngineMetrics;
  const historySize = options.spokenByHistory ?? 1000;
  const sampleRateHz = first.sampleRateHz;
  /** Per request: the engine speaking it (the last one) and its switches; the newest `historySize` requests. */
  const spokenByRequest = new Map<string, { engine: string; switches: EngineSwitch[] }>();
  const stats: EngineChainStats = { spokenBy: {}, failovers: {} };
  const budgetMs = (index: number): number =>
    typeof budget === 'number' ? budget : (budget?.[index] ?? budget?.[budget.length - 1] ?? 0);

  const remember = (requestId: string, engine: string, switches: EngineSwitch[]) => {
    spokenByRequest.delete(requestId);
    spokenByRequest.set(requestId, { engine, switches });
    if (spokenByRequest.size > historySize) spokenByRequest.delete(spokenByRequest.keys().next().value as string);
    stats.spokenBy[engine] = (stats.spokenBy[engine] ?? 0) + 1;
  };
  const recordSpoken = (requestId: string, engine: string, passedOver: string[]) => {
    remember(requestId, engine, []);
    options.onSpokenBy?.({ requestId, engine, passedOver });
  };
  const recordSwitch = (requestId: string, change: EngineSwitch) => {
    remember(requestId, change.to, [...(spokenByRequest.get(requestId)?.switches ?? []), change]);
  };

  const recordFailover = (from: TtsEngine, to: TtsEngine, reason: string, requestId: string) => {
    stats.failovers[reason] = (stats.failovers[reason] ?? 0) + 1;
    metrics.countFailover(from.name, to.name, reason);
    logger.warn({ id: requestId, from: from.name, to: to.name, reason }, 'tts fallback: next engine takes over');
  };

  const healthReason = (): string | undefined => {
    if (engines.length === 1) return first.healthReason();
    if (engines.some((e) => e.healthy())) return undefined;
    return engines.map((e) => `${e.name}: ${e.healthReason() ?? 'unhealthy'}`).join('; ');
  };

  const synthesize = (request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> =>
    new Observable<SynthesisOutput>((subscriber) => {
      // A chain of one always asks its engine, which answers for itself (its own refusal).
      let candidates = engines.length === 1 ? [first] : engines.filter((e) => e.healthy());
      const passedOver = engines.filter((e) => !candidates.includes(e)).map((e) => e.name);
      if (candidates.length === 0) {
        subscriber.error(new EngineError('no_engine', `no TTS engine can speak: ${healthReason()}`, false));
        return undefined;
      }
      if (passedOver.length > 0 && candidates[0] !== first) recordFailover(first, candidates[0]!, 'unhealthy', request.id);
      const heard = new HeardSentences(request.text, sampleRateHz);
      let attempt = new Subscription();
      /**
       * Cue words that start after the audio emitted so far, held until their audio is out: an
       * engine that dies before its audio leaves no words the next engine's audio does not match.
       * A chain of one is its engine and holds nothing.
       */
      let held: WordCue[] = [];

      const release = (all: boolean) => {
        const untilMs = heard.emittedMs;
        const waiting: WordCue[] = [];
        for (const cue of held) {
          const ready = cue.words.filter((w) => all || w.startMs < untilMs);
          if (ready.length > 0) {
            heard.addWords(ready);
            subscriber.next(ready.length === cue.words.length ? cue : { ...cue, words: ready });
          }
          if (ready.length < cue.words.length) waiting.push({ ...cue, words: cue.words.slice(ready.length) });
        }
        held = waiting;
      };
      const emit = (value: SynthesisOutput) => {
        if (engines.length === 1) return subscriber.next(value);
        if (value.kind === 'cue') held.push(value);
        else {
          heard.addAudio(value.pcm.byteLength / BYTES_PER_SAMPLE);
          subscriber.next(value);
        }
        release(false);
      };

      /** `from`: the engine that failed mid-readout and the sentence this attempt starts at. */
      const start = (index: number, from?: { engine: TtsEngine; atSentence: number }) => {
        const engine = candidates[index]!;
        const isLast = index === candidates.length - 1;
        const resampler = engine.sampleRateHz === sampleRateHz ? undefined : new LinearResampler(engine.sampleRateHz, sampleRateHz);
        // A continuation goes on where the audio heard so far ends: its cues move by that much.
        const offsetMs = heard.emittedMs;
        const text = from ? heard.resumeAt(from.atSentence) : request.text;
        const pending: SynthesisOutput[] = [];
        const own = new Subscription();
        let spoken = false;
        attempt = own;

        const commit = () => {
          spoken = true;
          if (from) recordSwitch(request.id, { from: from.engine.name, to: engine.name, atSentence: from.atSentence });
          else recordSpoken(request.id, engine.name, passedOver);
          for (const value of pending.splice(0)) emit(value);
        };
        const failOver = (reason: string) => {
          own.unsubscribe();
          const next = candidates[index + 1]!;
          passedOver.push(engine.name);
          recordFailover(engine, next, reason, request.id);
          start(index + 1, from);
        };
        /** This engine failed after its audio was heard: the next healthy one finishes the readout. */
        const continueAfter = (error: unknown): boolean => {
          const rest = candidates.slice(index + 1).filter((e) => e.healthy());
          if (rest.length === 0) return false;
          own.unsubscribe();
          held = [];
          const atSentence = heard.firstUnheard();
          if (atSentence === heard.sentences.length) {
            subscriber.complete();
            return true;
          }
          candidates = [...candidates.slice(0, index + 1), ...rest];
          recordFailover(engine, rest[0]!, `mid_readout:${errorCode(error)}`, request.id);
          start(index + 1, { engine, atSentence });
          return true;
        };

        const budgetTimer = isLast
          ? undefined
          : setTimeout(() => failOver('first_packet_budget'), budgetMs(engines.indexOf(engine)));
        own.add(() => clearTimeout(budgetTimer));
        own.add(
          engine.synthesize(from ? { ...request, text } : request, signal).subscribe({
            next: (output) => {
              const value: SynthesisOutput =
                output.kind === 'audio'
                  ? resampler
                    ? { kind: 'audio', pcm: resampler.push(output.pcm), sampleRateHz }
                    : output
                  : offsetMs > 0
                    ? { ...output, words: output.words.map((w) => ({ ...w, startMs: w.startMs + offsetMs, endMs: w.endMs + offsetMs })) }
                    : output;
              if (spoken) return emit(value);
              // Nothing can take over from the last engine: hold nothing back.
              if (isLast && value.kind !== 'audio') return emit(value);
              pending.push(value);
              if (value.kind === 'audio') {
                clearTimeout(budgetTimer);
                commit();
              }
            },
            error: (error: unknown) => {
              const cancelled = signal?.aborted || error instanceof SynthesisCancelledError;
              if (cancelled) return subscriber.error(error);
              if (!spoken && !isLast) return failOver(errorCode(error));
              if (spoken && continueAfter(error)) return;
              subscriber.error(error);
            },
            complete: () => {
              if (!spoken) commit();
              release(true);
              subscriber.complete();
            },
          }),
        );
      };

      start(0);
      return () => attempt.unsubscribe();
    });

  return {
    name: options.name ?? engines.map((e) => e.name).join('>'),
    engines: [...engines],
    sampleRateHz,
    speechParams: unique<SpeechParam>(engines.flatMap((e) => e.speechParams)),
    cloning: NO_CLONING,
    voices: () => unique(engines.flatMap((e) => e.voices())),
    synthesize,
    healthy: () => engines.some((e) => e.healthy()),
    healthReason,
    spokenBy: (requestId) => spokenByRequest.get(requestId)?.engine,
    switchesOf: (requestId) => spokenByRequest.get(requestId)?.switches ?? [],
    stats: () => structuredClone(stats),
    statuses: () =>
      engines.map((e) => {
        const reason = e.healthy() ? undefined : (e.healthReason() ?? `${e.name} is unhealthy`);
        const endpoints = e.endpointStatuses?.() ?? [];
        return { name: e.name, healthy: reason === undefined, ...(reason ? { reason } : {}), ...(endpoints.length > 0 ? { endpoints: [...endpoints] } : {}) };
      }),
    close: async () => {
      await Promise.all(engines.map((e) => e.close()));
    },
  };
}
