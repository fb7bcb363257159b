/**
 * The relay's running pipeline: durable queue → bounded limiter → engine → timeline →
 * overlay events, with overlay acks driving the queue. Implements the gateway's
 * RelayPort. Composition only: every piece is built and tested in its own module.
 */
import { BehaviorSubject, Subject, map, merge, distinctUntilChanged, type Subscription } from 'rxjs';
import type { TtsEngine } from './core/engine.ts';
import type { FallbackEngine } from './core/resilience/fallback-engine.ts';
import { healthReasonOf } from './core/resilience/health.ts';
import { RelayError, ValidationError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import type { OverlayEvent, PanelQueueItem } from './core/protocol.ts';
import type { Utterance } from './core/types.ts';
import type { CaptionInput, HealthReport, RelayPort } from './gateway/ports.ts';
import type { Metrics } from './metrics/registry.ts';
import { limit, type LimitEvent } from './pipeline/limit.ts';
import { normalizeText } from './pipeline/normalize.ts';
import { timeline, type TimelineSummary } from './pipeline/timeline.ts';
import type { DurableQueue } from './queue/durable-queue.ts';

export interface RelayOptions {
  queue: DurableQueue;
  engine: TtsEngine;
  metrics: Metrics;
  log: Logger;
  maxTextChars: number;
  maxInFlight: number;
  dedupeWindowMs: number;
  ackGraceMs: number;
}

export interface Relay extends RelayPort {
  close(): void;
}

const LIST_LIMIT = 200;

export function createRelay(opts: RelayOptions): Relay {
  const { queue, engine, metrics, log } = opts;
  const overlayEvents$ = new Subject<OverlayEvent>();
  const ended$ = new Subject<string>();
  const cancel$ = new Subject<string>();
  const overlays$ = new BehaviorSubject(0);
  const wake$ = new Subject<void>();
  /** Per in-flight utterance: its timeline summary once synthesis completed. Bounded by the limiter. */
  const summaries = new Map<string, TimelineSummary>();

  const recovered = queue.recover();
  if (recovered > 0) log.info({ recovered }, 'resuming readouts that had not finished playing');
  metrics.queueActive.set(queue.countActive());

  const emit = (event: OverlayEvent) => {
    if (event.type === 'audio:chunk') metrics.audioBytesSentTotal.inc(event.data.pcm.byteLength);
    overlayEvents$.next(event);
  };

  const finished = (u: Pick<Utterance, 'id'>, state: string, reason: string) => {
    summaries.delete(u.id);
    metrics.utterancesFinishedTotal.inc({ state, reason });
    metrics.queueActive.set(queue.countActive());
  };

  const work = (u: Utterance) => {
    const controller = new AbortController();
    log.debug({ id: u.id, chars: u.text.length }, 'synthesis starting');
    return engine
      .synthesize({ id: u.id, text: u.text, voice: u.voice, lang: u.lang }, controller.signal)
      .pipe(
        timeline(u, engine.sampleRateHz, (summary) => {
          summaries.set(u.id, summary);
          const spokenBy = (engine as Partial<FallbackEngine>).lastSpokenBy?.(u.id) ?? engine.name;
          if (summary.firstChunkMs !== undefined) metrics.engineFirstChunkMs.observe({ engine: spokenBy }, summary.firstChunkMs);
          log.info({ id: u.id, engine: spokenBy, firstChunkMs: summary.firstChunkMs, durationMs: summary.durationMs }, 'synthesis done');
        }),
      );
  };

  const onLimitEvent = (e: LimitEvent<Utterance, OverlayEvent>) => {
    switch (e.type) {
      case 'output':
        emit(e.value);
        return;
      case 'error': {
        const code = e.error instanceof RelayError ? e.error.code : 'engine_failed';
        const reason = `synthesis failed (${code}): ${(e.error as Error)?.message ?? String(e.error)}`;
        log.error({ id: e.item.id, code, err: e.error }, 'synthesis failed; readout dropped');
        if (queue.drop(e.item.id, reason)) {
          emit({ type: 'utterance:cancel', data: { id: e.item.id, reason } });
          finished(e.item, 'dropped', code);
        }
        return;
      }
      case 'released':
        if (e.reason === 'timeout' && queue.markPlayed(e.item.id, { reason: 'ack-timeout', ...summaryFields(e.item.id) })) {
          log.warn({ id: e.item.id }, 'no playback:end ack from any overlay; queue advanced by the safety timeout');
          finished(e.item, 'played', 'ack-timeout');
        }
        summaries.delete(e.item.id);
        return;
      default:
        return;
    }
  };

  const summaryFields = (id: string) => {
    const s = summaries.get(id);
    return s ? { durationMs: s.durationMs, words: s.words } : {};
  };

  const gate$ = overlays$.pipe(
    map((n) => n > 0),
    distinctUntilChanged(),
  );
  const pipeline: Subscription = merge(wake$, queue.changes$)
    .pipe(
      limit<Utterance, OverlayEvent>({
        take: () => queue.takeNext(),
        work,
        maxInFlight: opts.maxInFlight,
        acks$: ended$,
        cancel$,
        ackTimeoutMs: (u) => (summaries.get(u.id)?.durationMs ?? 0) + opts.ackGraceMs,
        gate$,
      }),
    )
    .subscribe({
      next: onLimitEvent,
      error: (err) => log.error({ err }, 'pipeline stopped unexpectedly'),
    });

  const submit = (input: CaptionInput) => {
    const source = input.source ?? 'http';
    if (typeof input.text !== 'string') throw new ValidationError('invalid_body', 'text must be a string');
    try {
      const text = normalizeText(input.text, opts.maxTextChars);
      const { utterance, duplicate } = queue.enqueue(
        {
          text,
          user: input.user?.trim() || 'anonymous',
          source,
          priority: input.priority ?? 0,
          voice: input.voice,
          lang: input.lang,
          receivedAtMs: Date.now(),
        },
        { dedupeWindowMs: opts.dedupeWindowMs },
      );
      metrics.captionsTotal.inc({ source, result: duplicate ? 'duplicate' : 'accepted' });
      metrics.queueActive.set(queue.countActive());
      if (!duplicate) log.info({ id: utterance.id, source, user: utterance.user, chars: text.length }, 'caption accepted');
      wake$.next();
      return { id: utterance.id, duplicate };
    } catch (err) {
      metrics.captionsTotal.inc({ source, result: 'rejected' });
      throw err;
    }
  };

  const skip = (id: string) => {
    const previous = queue.skip(id, 'skipped by user');
    if (previous === undefined) return false;
    log.info({ id, previous }, 'readout skipped');
    if (previous !== 'queued') {
      cancel$.next(id);
      emit({ type: 'utterance:cancel', data: { id, reason: 'skipped' } });
    }
    finished({ id }, 'skipped', 'user');
    return true;
  };

  const health = (): HealthReport => {
    const healthy = engine.healthy();
    const detail = healthReasonOf(engine);
    const chain = engine as Partial<FallbackEngine>;
    const chainStatuses = chain.engineStatuses?.();
    return {
      status: healthy && (chainStatuses ?? []).every((e) => e.healthy) ? 'ok' : 'degraded',
      canSpeak: healthy,
      engine: {
        name: engine.name,
        healthy,
        ...(detail ? { detail } : {}),
        ...(chainStatuses ? { chain: chainStatuses, spokenBy: chain.stats?.().spokenBy } : {}),
      },
      queue: { active: queue.countActive(), overlays: overlays$.value },
    };
  };

  return {
    submit,
    skip,
    health,
    listQueue: (): PanelQueueItem[] =>
      queue
        .list({ limit: LIST_LIMIT, states: ['playing', 'synthesizing', 'queued', 'played', 'skipped', 'dropped'] })
        .map(({ id, text, user, source, priority, state, reason, receivedAtMs, updatedAtMs, firstAudioMs }) => ({
          id,
          text,
          user,
          source,
          priority,
          state,
          reason,
          receivedAtMs,
          updatedAtMs,
          firstAudioMs,
        })),
    playbackStarted(id) {
      const playing = queue.markPlaying(id);
      if (!playing) return;
      if (playing.firstAudioMs !== undefined) metrics.firstAudioLatencyMs.observe(playing.firstAudioMs);
      log.info({ id, firstAudioMs: playing.firstAudioMs }, 'playback started');
    },
    playbackEnded(id) {
      if (queue.markPlayed(id, summaryFields(id))) {
        log.info({ id }, 'playback ended');
        finished({ id }, 'played', 'ack');
      }
      ended$.next(id);
    },
    overlayConnectionsChanged: (count) => overlays$.next(count),
    overlayEvents$: overlayEvents$.asObservable(),
    queueChanged$: queue.changes$,
    metricsText: () => metrics.registry.metrics(),
    metricsContentType: metrics.registry.contentType,
    close() {
      pipeline.unsubscribe();
      overlayEvents$.complete();
    },
  };
}
