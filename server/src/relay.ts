/**
 * The relay's running pipeline: durable queue → bounded limiter → engine → timeline →
 * overlay events, with overlay acks driving the queue. Implements the gateway's
 * RelayPort. Composition only: every piece is built and tested in its own module.
 */
import {
  BehaviorSubject,
  Subject,
  combineLatest,
  distinctUntilChanged,
  map,
  merge,
  of,
  type Observable,
  type Subscription,
} from 'rxjs';
import type { TtsEngine } from './core/engine.ts';
import type { FallbackEngine } from './core/resilience/fallback-engine.ts';
import { healthReasonOf } from './core/resilience/health.ts';
import { EngineError, RelayError, StorageError, ValidationError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import type { OverlayEvent, PanelQueueItem, PlaybackNotice } from './core/protocol.ts';
import type { CaptionEvent, SynthesisRequest, Utterance } from './core/types.ts';
import type { CaptionInput, HealthReport, RelayPort } from './gateway/ports.ts';
import type { Metrics } from './metrics/registry.ts';
import { gainOf, withGain } from './pipeline/gain.ts';
import { limit, type LimitEvent } from './pipeline/limit.ts';
import { normalizeName, normalizeText } from './pipeline/normalize.ts';
import { createEngineGate } from './pipeline/engine-gate.ts';
import { createStorageRetry } from './pipeline/storage-retry.ts';
import { timeline, type TimelineSummary } from './pipeline/timeline.ts';
import type { DurableQueue, ModerationDrop } from './queue/durable-queue.ts';

export interface RelayOptions {
  queue: DurableQueue;
  engine: TtsEngine;
  metrics: Metrics;
  log: Logger;
  maxTextChars: number;
  maxInFlight: number;
  dedupeWindowMs: number;
  ackGraceMs: number;
  /** How often queued readouts past their time-to-live are dropped as expired. Default 1 s. */
  expireEveryMs?: number;
  /** True while something outside the queue holds readouts back (e.g. an OBS pause scene). */
  externalPause$?: Observable<boolean>;
  /** Speech for readouts that carry none, read as each readout starts (the panel's voice settings). */
  speech?: () => SpeechDefaults;
}

/** Default speech: the voice applies to readouts without one; rate and pitch to every readout. */
export interface SpeechDefaults {
  voice?: string;
  /** Multiple of the engine's normal speed. */
  rate?: number;
  /** Multiple of the engine's normal pitch. */
  pitch?: number;
  /** Applied by the relay to the engine's PCM (100 = unchanged). */
  volumePercent?: number;
}

export interface AdmissionOptions {
  /**
   * Wait for the disk before returning (a 202 promise: API and panel). Chat and ASR
   * readouts, which nobody was promised, skip the fsync: still safe if the process is
   * killed, and a raid does not block the event loop on one fsync per message.
   */
  fsync: boolean;
}

export interface Relay extends RelayPort {
  /** A caption from a chat/ASR source, already moderated: normalized and durably queued. */
  submitEvent(event: CaptionEvent, options: AdmissionOptions): { id: string; duplicate: boolean };
  /** A ban/timeout: that user's queued readouts are dropped and a playing one stops. */
  dropUser(user: string, reason: string, by?: { source: string; userId: string }): number;
  /** A deleted chat message: its readout is dropped, also mid-utterance. */
  dropMessage(messageId: string, reason: string): number;
  /** Readouts dropped by id (another relay process took them over), also mid-utterance. */
  dropReadouts(ids: readonly string[], reason: string): number;
  /** A subtitle line shown in the overlay, not spoken (ASR partials and finals). */
  showLine(id: string, text: string, final: boolean): void;
  /** Readouts waiting from this user (moderation's per-user cap). */
  queuedCount(user: string): number;
  /** Every playback:end ack from an overlay, by id, whichever process owns the readout (scale-out). */
  endAcks$: Observable<string>;
  /** Overlay playback acks, for sinks that follow the audio (OBS captions, ducking). */
  playback$: Observable<PlaybackNotice>;
  /** Readouts synthesized since start, by the engine that spoke them. */
  spokenCounts(): Record<string, number>;
  close(): void;
}

/** A bounded metrics label from a free-text reason ("synthesis failed (x): detail" → "synthesis failed (x)"). */
export function reasonLabel(reason: string | undefined): string {
  return (reason ?? 'ack').split(':')[0]!.slice(0, 48);
}

const LIST_LIMIT = 200;
/** Longest user name kept (control and bidi characters removed). */
const MAX_USER_CHARS = 100;
/** How often a relay whose engines cannot speak checks again. */
const ENGINE_RECHECK_MS = 1_000;

export function createRelay(opts: RelayOptions): Relay {
  const { queue, engine, metrics, log } = opts;
  const overlayEvents$ = new Subject<OverlayEvent>();
  const ended$ = new Subject<string>();
  const cancel$ = new Subject<string>();
  const overlays$ = new BehaviorSubject(0);
  const wake$ = new Subject<void>();
  /** Per in-flight utterance: its timeline summary once synthesis completed. Bounded by the limiter. */
  const summaries = new Map<string, TimelineSummary>();
  const spokenCounts: Record<string, number> = {};

  const playback$ = new Subject<PlaybackNotice>();

  const recovered = queue.recover();
  if (recovered > 0) log.info({ recovered }, 'resuming readouts that had not finished playing');
  metrics.queueActive.set(queue.countActive());
  // Every final state is counted here, whichever path led to it.
  const accounting = queue.changes$.subscribe((u) => {
    if (u.state === 'played' || u.state === 'skipped' || u.state === 'dropped') {
      summaries.delete(u.id);
      metrics.utterancesFinishedTotal.inc({ state: u.state, reason: reasonLabel(u.reason) });
    }
    metrics.queueActive.set(queue.countActive());
  });
  const expiry = setInterval(() => {
    const expired = queue.expire();
    if (expired.length > 0) log.info({ ids: expired.map((u) => u.id) }, 'readouts expired before they could play');
  }, opts.expireEveryMs ?? 1000);
  expiry.unref();

  const emit = (event: OverlayEvent) => {
    if (event.type === 'audio:chunk') metrics.audioBytesSentTotal.inc(event.data.pcm.byteLength);
    overlayEvents$.next(event);
  };

  /** Stops in-flight readouts at once: their synthesis is cancelled and overlays silence them. */
  const cancelInFlight = (ids: readonly string[], reason: string) => {
    for (const id of ids) {
      cancel$.next(id);
      emit({ type: 'utterance:cancel', data: { id, reason } });
    }
  };

  const dropAndCancel = ({ dropped, inFlightIds }: ModerationDrop, reason: string) => {
    cancelInFlight(inFlightIds, reason);
    return dropped;
  };

  const requestFor = (u: Utterance, speech: SpeechDefaults): SynthesisRequest => {
    const voice = u.voice ?? speech.voice;
    return {
      id: u.id,
      text: u.text,
      ...(voice !== undefined && { voice }),
      ...(u.lang !== undefined && { lang: u.lang }),
      ...(speech.rate !== undefined && { rate: speech.rate }),
      ...(speech.pitch !== undefined && { pitch: speech.pitch }),
    };
  };

  const work = (u: Utterance) => {
    const controller = new AbortController();
    const speech = opts.speech?.() ?? {};
    log.debug({ id: u.id, chars: u.text.length }, 'synthesis starting');
    return engine
      .synthesize(requestFor(u, speech), controller.signal)
      .pipe(
        withGain(gainOf(speech.volumePercent ?? 100)),
        timeline(u, engine.sampleRateHz, (summary) => {
          summaries.set(u.id, summary);
          const spokenBy = (engine as Partial<FallbackEngine>).lastSpokenBy?.(u.id) ?? engine.name;
          spokenCounts[spokenBy] = (spokenCounts[spokenBy] ?? 0) + 1;
          if (summary.firstChunkMs !== undefined) metrics.engineFirstChunkMs.observe({ engine: spokenBy }, summary.firstChunkMs);
          log.info({ id: u.id, engine: spokenBy, firstChunkMs: summary.firstChunkMs, durationMs: summary.durationMs }, 'synthesis done');
        }),
      );
  };

  const onLimitEvent = (e: LimitEvent<Utterance, OverlayEvent>) => {
    switch (e.type) {
      case 'output':
        if (e.value.type === 'audio:chunk') audible.add(e.item.id);
        emit(e.value);
        return;
      case 'error': {
        const code = e.error instanceof RelayError ? e.error.code : 'engine_failed';
        if (!audible.has(e.item.id) && (!engine.healthy() || (e.error instanceof EngineError && e.error.retryable))) {
          // Nothing was heard yet and the upstream may come back: wait instead of dropping.
          log.warn({ id: e.item.id, code, detail: (e.error as Error)?.message }, 'no engine could speak; the readout waits in the queue');
          emit({ type: 'utterance:cancel', data: { id: e.item.id, reason: 'waiting for a TTS engine' } });
          durably('requeue', () => queue.requeue(e.item.id));
          engineGate.holdAfterFailure();
          return;
        }
        const reason = `synthesis failed (${code}): ${(e.error as Error)?.message ?? String(e.error)}`;
        log.error({ id: e.item.id, code, err: e.error }, 'synthesis failed; readout dropped');
        emit({ type: 'utterance:cancel', data: { id: e.item.id, reason } });
        durably('drop', () => queue.drop(e.item.id, reason));
        return;
      }
      case 'released':
        audible.delete(e.item.id);
        if (e.reason === 'timeout') {
          const fields = { reason: 'ack-timeout', ...summaryFields(e.item.id) };
          durably('mark played', () => {
            if (!queue.markPlayed(e.item.id, fields)) return;
            log.warn({ id: e.item.id }, 'no playback:end ack from any overlay; queue advanced by the safety timeout');
            playback$.next({ id: e.item.id, type: 'end' });
          });
        }
        summaries.delete(e.item.id);
        return;
      default:
        return;
    }
  };

  const storage = createStorageRetry({ log });
  const durably = storage.durably;
  /** The limiter's pull: a storage failure means "nothing to take now", and the pull is retried. */
  const take = () => storage.orLater('take the next readout', () => queue.takeNext(), () => wake$.next());

  /** In-flight readouts that sent audio: a failure then cannot be retried without repeating it. */
  const audible = new Set<string>();
  const engineGate = createEngineGate(engine, ENGINE_RECHECK_MS);

  const summaryFields = (id: string) => {
    const s = summaries.get(id);
    return s ? { durationMs: s.durationMs, words: s.words } : {};
  };

  const gate$ = combineLatest([overlays$, queue.paused$, opts.externalPause$ ?? of(false), engineGate.ready$]).pipe(
    map(([overlays, paused, held, ready]) => overlays > 0 && !paused && !held && ready),
    distinctUntilChanged(),
  );
  const pipeline: Subscription = merge(wake$, queue.changes$)
    .pipe(
      limit<Utterance, OverlayEvent>({
        take,
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

  const submitEvent = (event: CaptionEvent, { fsync }: AdmissionOptions) => {
    try {
      const text = normalizeText(event.text, opts.maxTextChars);
      const user = normalizeName(event.user, MAX_USER_CHARS) || 'anonymous';
      const { utterance, duplicate, dropped } = queue.enqueue({ ...event, text, user }, { dedupeWindowMs: opts.dedupeWindowMs, fsync });
      metrics.captionsTotal.inc({ source: event.source, result: duplicate ? 'duplicate' : 'accepted' });
      if (!duplicate) log.info({ id: utterance.id, source: event.source, user: utterance.user, chars: text.length }, 'caption accepted');
      if (dropped.length > 0) log.info({ ids: dropped.map((u) => u.id), source: event.source }, 'queue full for this source: oldest readouts dropped');
      wake$.next();
      return { id: utterance.id, duplicate };
    } catch (err) {
      metrics.captionsTotal.inc({ source: event.source, result: 'rejected' });
      throw err;
    }
  };

  const submit = (input: CaptionInput) => {
    if (typeof input.text !== 'string') throw new ValidationError('invalid_body', 'text must be a string');
    return submitEvent({
      text: input.text,
      user: input.user?.trim() || 'anonymous',
      source: input.source ?? 'http',
      priority: input.priority ?? 0,
      voice: input.voice,
      lang: input.lang,
      receivedAtMs: Date.now(),
    }, { fsync: true });
  };

  const skip = (id: string) => {
    const previous = queue.skip(id, 'skipped by user');
    if (previous === undefined) return false;
    log.info({ id, previous }, 'readout skipped');
    if (previous !== 'queued') cancelInFlight([id], 'skipped');
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
    submitEvent,
    skip,
    health,
    dropUser(user, reason, by) {
      const dropped = dropAndCancel(queue.dropUser(user, reason, by), reason);
      if (dropped > 0) log.info({ user, dropped, reason }, 'readouts of a user dropped');
      return dropped;
    },
    dropMessage: (messageId, reason) => dropAndCancel(queue.dropMessage(messageId, reason), reason),
    dropReadouts: (ids, reason) => dropAndCancel(queue.dropIds(ids, reason), reason),
    showLine: (id, text, final) => emit({ type: 'subtitle:line', data: { id, text, final } }),
    queuedCount: (user) => queue.countQueuedByUser(user),
    pause() {
      if (queue.setPaused(true)) log.info('queue paused');
    },
    resume() {
      if (queue.setPaused(false)) log.info('queue resumed');
    },
    clear(options) {
      const result = queue.clear(options);
      log.info(result, 'queue cleared');
      return result;
    },
    history: (options) => queue.history(options),
    replay(id) {
      const { utterance } = queue.replay(id);
      wake$.next();
      return { id: utterance.id };
    },
    listQueue: (): PanelQueueItem[] =>
      queue
        .list({ limit: LIST_LIMIT, states: ['playing', 'synthesizing', 'queued', 'played', 'skipped', 'dropped'] })
        .map(({ id, text, user, source, priority, paid, state, reason, receivedAtMs, updatedAtMs, firstAudioMs }) => ({
          id,
          text,
          user,
          source,
          priority,
          paid,
          state,
          reason,
          receivedAtMs,
          updatedAtMs,
          firstAudioMs,
          durationMs: summaries.get(id)?.durationMs,
        })),
    playbackStarted(id, atMs) {
      let playing: Utterance | undefined;
      try {
        playing = queue.markPlaying(id, atMs);
      } catch (err) {
        // Not worth a retry: markPlayed also accepts an item that is still 'synthesizing'.
        if (!(err instanceof StorageError)) throw err;
        log.error({ id, detail: err.message }, 'cannot record playback start');
      }
      if (!playing) return;
      if (playing.firstAudioMs !== undefined) metrics.firstAudioLatencyMs.observe(playing.firstAudioMs);
      log.info({ id, firstAudioMs: playing.firstAudioMs }, 'playback started');
      playback$.next({ id, type: 'start' });
    },
    playbackEnded(id) {
      const fields = summaryFields(id);
      durably('mark played', () => {
        if (!queue.markPlayed(id, fields)) return;
        log.info({ id }, 'playback ended');
        playback$.next({ id, type: 'end' });
      });
      ended$.next(id);
    },
    playback$: playback$.asObservable(),
    endAcks$: ended$.asObservable(),
    spokenCounts: () => ({ ...spokenCounts }),
    overlayConnectionsChanged: (count) => overlays$.next(count),
    overlayEvents$: overlayEvents$.asObservable(),
    queueChanged$: queue.changes$,
    metricsText: () => metrics.registry.metrics(),
    metricsContentType: metrics.registry.contentType,
    close() {
      clearInterval(expiry);
      storage.close();
      engineGate.close();
      pipeline.unsubscribe();
      accounting.unsubscribe();
      overlayEvents$.complete();
      playback$.complete();
    },
  };
}
