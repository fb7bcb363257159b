/**
 * The relay, wired: admission → durable queue → readout path (pipeline/readout-path.ts) →
 * the feed every sink reads, with overlay acks driving the queue. Wiring only: each job is
 * its own module beside this one.
 */
import { BehaviorSubject, of, Subject, type Observable, type Subscription } from 'rxjs';
import type { EngineChain } from '../core/engine.ts';
import type { Logger } from '../core/logger.ts';
import type { OverlayEvent } from '../core/protocol.ts';
import type { ReadoutFeed } from '../core/sink.ts';
import type { SourceEvent, SubtitleLine } from '../core/source.ts';
import { FINAL_STATES } from '../core/types.ts';
import type { VoiceResolver } from '../core/voices.ts';
import type { RelayPort } from '../gateway/ports.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { ModerationSettings } from '../moderation/index.ts';
import { createStorageRetry } from '../pipeline/storage-retry.ts';
import type { SpeechDefaults } from '../pipeline/synthesize.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import { VoicesSettings } from '../settings/voices-settings.ts';
import { createAdmission } from './admission.ts';
import { createCancelPath } from './cancels.ts';
import { healthReport } from './health-report.ts';
import { noteIgnoredInstructs } from './instruct-notes.ts';
import { createPlaybackAcks } from './playback-acks.ts';
import { createQueueCommands, type QueueCommands } from './queue-commands.ts';
import { runReadouts } from './readout-runner.ts';
import { countRelayMetrics } from './relay-metrics.ts';
import { presetVoices } from '../voices/preset-voices.ts';
import { connectSourceEvents } from './source-events.ts';
import { SubtitleLines } from './subtitle-lines.ts';
import { Timelines } from './timelines.ts';

export interface RelayOptions {
  queue: DurableQueue;
  engine: EngineChain;
  metrics: Metrics;
  log: Logger;
  maxTextChars: number;
  maxInFlight: number;
  dedupeWindowMs: number;
  ackGraceMs: number;
  /** Audio is re-cut into chunks of about this length after the first one (pipeline/rechunk.ts). Default RECHUNK_TARGET_MS. */
  audioChunkMs?: number;
  /** The moderation settings in force for source captions. Default: the defaults. */
  moderation$?: Observable<ModerationSettings>;
  /** How often queued readouts past their time-to-live are dropped as expired. Default 1 s. */
  expireEveryMs?: number;
  /** True while something outside the queue holds readouts back (e.g. an OBS pause scene). */
  externalPause$?: Observable<boolean>;
  /** Speech for readouts that carry none, read as each readout starts (the panel's voice settings). */
  speech?: () => SpeechDefaults;
  /** The voices captions may name and readouts resolve to. Default: the engines' presets only. */
  voices?: VoiceResolver;
  /** Which voice speaks each readout (voices.json), read per caption. Default: no rules. */
  voiceRules?: () => VoicesSettings;
}

export interface Relay extends RelayPort, Omit<QueueCommands, keyof RelayPort> {
  /** Source events (chat, ASR) in: captions through admission, actions to the queue. */
  connectSources(events$: Observable<SourceEvent>): Subscription;
  /** A subtitle line shown in the overlay, not spoken (ASR partials and finals). */
  showLine(line: SubtitleLine): void;
  /** Every playback:end ack from an overlay, by id, whichever process owns the readout (scale-out). */
  endAcks$: Observable<string>;
  /** Readouts synthesized since start, by the engine that spoke them. */
  spokenCounts(): Record<string, number>;
  close(): void;
}

export function createRelay(opts: RelayOptions): Relay {
  const { queue, engine, metrics, log } = opts;
  const events$ = new Subject<OverlayEvent>();
  const emit = (event: OverlayEvent) => events$.next(event);
  const overlays$ = new BehaviorSubject(0);
  const timelines = new Timelines();
  const storage = createStorageRetry({ log });
  const speech: () => SpeechDefaults = opts.speech ?? (() => ({}));
  const voices = opts.voices ?? presetVoices(engine.engines);
  const noRules = VoicesSettings.parse({});
  const instructs = noteIgnoredInstructs({ engines: [...engine.engines, engine], note: (id, note) => queue.note(id, note), log });

  const recovered = queue.recover();
  if (recovered > 0) log.info({ recovered }, 'resuming readouts that had not finished playing');

  const relayMetrics = countRelayMetrics({ metrics, queueChanges$: queue.changes$, countActive: () => queue.countActive(), events$, log });
  const finals = queue.changes$.subscribe((u) => {
    if (FINAL_STATES.includes(u.state)) timelines.forget(u.id);
  });
  const expiry = setInterval(() => {
    const expired = queue.expire();
    if (expired.length > 0) log.info({ ids: expired.map((u) => u.id) }, 'readouts expired before they could play');
  }, opts.expireEveryMs ?? 1000);
  expiry.unref();

  const cancels = createCancelPath();
  const overlayCancels = cancels.cancels$.subscribe((data) => emit({ type: 'utterance:cancel', data }));
  const acks = createPlaybackAcks({ queue, metrics, durably: storage.durably, log });
  const runner = runReadouts({
    queue,
    engine,
    speech,
    voices,
    cancels,
    acks,
    timelines,
    storage,
    emit,
    onSpoken: (u, summary) => {
      const spokenBy = engine.spokenBy(u.id) ?? engine.name;
      relayMetrics.spoken(u.id, spokenBy, summary);
      storage.durably('note', () => instructs.spoken(u, spokenBy));
    },
    maxInFlight: opts.maxInFlight,
    ackGraceMs: opts.ackGraceMs,
    audioChunkMs: opts.audioChunkMs,
    overlays$,
    externalPause$: opts.externalPause$ ?? of(false),
    log,
  });
  const commands = createQueueCommands({ queue, cancels, timelines, engine, requeued: () => runner.wake(), log });
  const admission = createAdmission({
    queue,
    metrics,
    log,
    maxTextChars: opts.maxTextChars,
    dedupeWindowMs: opts.dedupeWindowMs,
    moderation$: opts.moderation$ ?? of(),
    policy: () => queue.currentPolicy,
    admitted: () => runner.wake(),
    voices,
    voiceRules: opts.voiceRules ?? (() => noRules),
    defaultVoice: () => speech().voice,
  });
  const subtitles = new SubtitleLines(emit);
  const showLine = (line: SubtitleLine) => subtitles.show(line);
  const feed: ReadoutFeed = { events$: events$.asObservable(), playback$: acks.playback$ };

  return {
    ...commands,
    submit: (input) => admission.fromStreamer(input),
    connectSources: (sourceEvents$) => connectSourceEvents({ events$: sourceEvents$, admission, commands, showLine, log }),
    showLine,
    muteSubtitles: (muted) => subtitles.mute(muted),
    subtitles: () => subtitles.state(),
    subtitlesChanged$: subtitles.changes$,
    health: () => healthReport(engine, { active: queue.countActive(), overlays: overlays$.value }, instructs.ignored()),
    playbackStarted: (id, atMs) => acks.started(id, atMs),
    playbackEnded: (id) => acks.ended(id),
    overlayConnectionsChanged: (count) => overlays$.next(count),
    feed,
    endAcks$: acks.endAcks$,
    queueChanged$: queue.changes$,
    spokenCounts: () => relayMetrics.spokenCounts(),
    metricsText: () => metrics.registry.metrics(),
    metricsContentType: metrics.registry.contentType,
    close() {
      clearInterval(expiry);
      storage.close();
      runner.close();
      finals.unsubscribe();
      overlayCancels.unsubscribe();
      relayMetrics.close();
      cancels.close();
      acks.close();
      events$.complete();
    },
  };
}
