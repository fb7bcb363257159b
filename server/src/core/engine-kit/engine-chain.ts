/**
 * The EngineChain the relay holds: one or more engines in fallback order
 * (TTS_ENGINE=cosyvoice,cosyvoice-selfhost,embedded). Each request goes to the first healthy
 * engine; when it cannot produce a first audio packet within its budget, or fails before one,
 * the next engine takes over. Once an engine has spoken it keeps the request (switching voices
 * mid-utterance would be worse than an error). Audio from engines with another native rate is
 * resampled to the chain's rate. A chain of one is its engine: no budget, no health filter,
 * the engine's own errors and health reason.
 */
import { Observable, Subscription } from 'rxjs';
import { NO_CLONING, type EngineChain, type EngineChainStats, type TtsEngine } from '../engine.ts';
import { ConfigError, EngineError } from '../errors.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { SpeechParam, SynthesisOutput, SynthesisRequest } from '../types.ts';
import { type EngineMetrics, noopEngineMetrics } from './engine-metrics.ts';
import { LinearResampler } from './pcm-resampler.ts';
import { SynthesisCancelledError } from './resilience-errors.ts';
import { errorCode } from './resilient-stream.ts';

export interface EngineChainOptions {
  /** Time each engine but the last gets to produce its first audio packet (one value, or one per engine); required for two or more engines. */
  firstPacketBudgetMs?: number | readonly number[];
  /** Called once per request with the engine that spoke and the ones passed over. */
  onSpokenBy?: (event: { requestId: string; engine: string; passedOver: string[] }) => void;
  /** How many request ids `spokenBy` remembers (default 1000). */
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
  const spokenByRequest = new Map<string, string>();
  const stats: EngineChainStats = { spokenBy: {}, failovers: {} };
  const budgetMs = (index: number): number =>
    typeof budget === 'number' ? budget : (budget?.[index] ?? budget?.[budget.length - 1] ?? 0);

  const recordSpoken = (requestId: string, engine: string, passedOver: string[]) => {
    spokenByRequest.delete(requestId);
    spokenByRequest.set(requestId, engine);
    if (spokenByRequest.size > historySize) spokenByRequest.delete(spokenByRequest.keys().next().value as string);
    stats.spokenBy[engine] = (stats.spokenBy[engine] ?? 0) + 1;
    options.onSpokenBy?.({ requestId, engine, passedOver });
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
      const candidates = engines.length === 1 ? [first] : engines.filter((e) => e.healthy());
      const passedOver = engines.filter((e) => !candidates.includes(e)).map((e) => e.name);
      if (candidates.length === 0) {
        subscriber.error(new EngineError('no_engine', `no TTS engine can speak: ${healthReason()}`, false));
        return undefined;
      }
      if (passedOver.length > 0 && candidates[0] !== first) recordFailover(first, candidates[0]!, 'unhealthy', request.id);
      let attempt = new Subscription();
      let committed = false;

      const start = (index: number) => {
        const engine = candidates[index]!;
        const isLast = index === candidates.length - 1;
        const resampler = engine.sampleRateHz === sampleRateHz ? undefined : new LinearResampler(engine.sampleRateHz, sampleRateHz);
        const pending: SynthesisOutput[] = [];
        const own = new Subscription();
        attempt = own;

        const commit = () => {
          committed = true;
          recordSpoken(request.id, engine.name, passedOver);
          for (const value of pending.splice(0)) subscriber.next(value);
        };
        const failOver = (reason: string) => {
          own.unsubscribe();
          const next = candidates[index + 1]!;
          passedOver.push(engine.name);
          recordFailover(engine, next, reason, request.id);
          start(index + 1);
        };

        const budgetTimer = isLast
          ? undefined
          : setTimeout(() => failOver('first_packet_budget'), budgetMs(engines.indexOf(engine)));
        own.add(() => clearTimeout(budgetTimer));
        own.add(
          engine.synthesize(request, signal).subscribe({
            next: (output) => {
              const value: SynthesisOutput =
                output.kind === 'audio' && resampler ? { kind: 'audio', pcm: resampler.push(output.pcm), sampleRateHz } : output;
              if (committed) return subscriber.next(value);
              // Nothing can take over from the last engine: hold nothing back.
              if (isLast && value.kind !== 'audio') return subscriber.next(value);
              pending.push(value);
              if (value.kind === 'audio') {
                clearTimeout(budgetTimer);
                commit();
              }
            },
            error: (error: unknown) => {
              const cancelled = signal?.aborted || error instanceof SynthesisCancelledError;
              if (committed || isLast || cancelled) return subscriber.error(error);
              failOver(errorCode(error));
            },
            complete: () => {
              if (!committed) commit();
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
    spokenBy: (requestId) => spokenByRequest.get(requestId),
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
