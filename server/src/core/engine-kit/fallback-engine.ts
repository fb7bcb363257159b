/**
 * A TtsEngine made of a chain of engines (TTS_ENGINE=cosyvoice,cosyvoice-selfhost,embedded).
 * Each request goes to the first healthy engine; when it cannot produce a first audio packet
 * within its budget, or fails before one, the next engine takes over. Once an engine has
 * spoken it keeps the request (switching voices mid-utterance would be worse than an error).
 * Audio from engines with another native rate is resampled to the chain's rate.
 */
import { Observable, Subscription } from 'rxjs';
import type { TtsEngine } from '../engine.ts';
import { ConfigError, EngineError } from '../errors.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { SynthesisOutput, SynthesisRequest } from '../types.ts';
import { type EngineMetrics, noopEngineMetrics } from './engine-metrics.ts';
import { type HealthReporting, healthReasonOf } from './health.ts';
import { LinearResampler } from './pcm-resampler.ts';
import { SynthesisCancelledError } from './resilience-errors.ts';
import { errorCode } from './resilient-stream.ts';

export interface FallbackEngineOptions {
  /** Time each engine but the last gets to produce its first audio packet (one value, or one per engine). */
  firstPacketBudgetMs: number | readonly number[];
  /** Called once per request with the engine that spoke and the ones passed over. */
  onSpokenBy?: (event: { requestId: string; engine: string; passedOver: string[] }) => void;
  /** How many request ids `lastSpokenBy` remembers (default 1000). */
  spokenByHistory?: number;
  /** Defaults to the engines' names joined with '>'. */
  name?: string;
  logger?: Logger;
  metrics?: EngineMetrics;
}

export interface FallbackStats {
  /** Requests spoken, by engine name. */
  spokenBy: Record<string, number>;
  /** Switches to a next engine, by reason (error code, `first_packet_budget`, `unhealthy`). */
  failovers: Record<string, number>;
}

export interface FallbackEngine extends TtsEngine, HealthReporting {
  /** The chain, in order (the panel's voice test speaks through one of them). */
  readonly engines: readonly TtsEngine[];
  /** Name of the engine that spoke request `requestId` (recent requests only). */
  lastSpokenBy(requestId: string): string | undefined;
  stats(): FallbackStats;
  /** Each engine of the chain, in order, with why it cannot speak when it cannot. */
  engineStatuses(): EngineStatus[];
}

export interface EngineStatus {
  name: string;
  healthy: boolean;
  reason?: string;
}

export function createFallbackEngine(engines: readonly TtsEngine[], options: FallbackEngineOptions): FallbackEngine {
  const first = engines[0];
  if (!first) throw new ConfigError('a fallback chain needs at least one engine');
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopEngineMetrics;
  const historySize = options.spokenByHistory ?? 1000;
  const sampleRateHz = first.sampleRateHz;
  const spokenByRequest = new Map<string, string>();
  const stats: FallbackStats = { spokenBy: {}, failovers: {} };
  const budgetMs = (index: number): number => {
    const budget = options.firstPacketBudgetMs;
    return typeof budget === 'number' ? budget : (budget[index] ?? budget[budget.length - 1] ?? 0);
  };

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
    if (engines.some((e) => e.healthy())) return undefined;
    return engines.map((e) => `${e.name}: ${healthReasonOf(e)}`).join('; ');
  };

  const synthesize = (request: SynthesisRequest, signal?: AbortSignal): Observable<SynthesisOutput> =>
    new Observable<SynthesisOutput>((subscriber) => {
      const candidates = engines.filter((e) => e.healthy());
      const passedOver = engines.filter((e) => !e.healthy()).map((e) => e.name);
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
    synthesize,
    healthy: () => engines.some((e) => e.healthy()),
    healthReason,
    lastSpokenBy: (requestId) => spokenByRequest.get(requestId),
    stats: () => structuredClone(stats),
    engineStatuses: () =>
      engines.map((e) => {
        const reason = healthReasonOf(e);
        return { name: e.name, healthy: reason === undefined, ...(reason ? { reason } : {}) };
      }),
    close: async () => {
      await Promise.all(engines.map((e) => e.close()));
    },
  };
}
