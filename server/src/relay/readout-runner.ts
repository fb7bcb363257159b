/**
 * Runs the readout path (pipeline/readout-path.ts) and turns its events into overlay output
 * and queue states: audio reaches the feed; a failure before anything was heard puts the
 * readout back in the queue while no engine can speak, otherwise drops it with the reason;
 * the limiter's ack timeout marks it played. Starts nothing while no overlay is connected,
 * the queue is paused, something outside holds it (OBS pause scene, lost scale-out lease) or
 * no engine is ready.
 */
import { combineLatest, distinctUntilChanged, map, merge, Subject, type Observable } from 'rxjs';
import type { EngineChain } from '../core/engine.ts';
import { EngineError, RelayError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { OverlayEvent } from '../core/protocol.ts';
import type { Utterance } from '../core/types.ts';
import type { VoiceResolver } from '../core/voices.ts';
import { createEngineGate } from '../pipeline/engine-gate.ts';
import { readoutPath, type ReadoutEvent } from '../pipeline/readout-path.ts';
import type { StorageRetry } from '../pipeline/storage-retry.ts';
import type { SpeechDefaults } from '../pipeline/synthesize.ts';
import type { TimelineSummary } from '../pipeline/timeline.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';
import type { CancelPath } from './cancels.ts';
import type { PlaybackAcks } from './playback-acks.ts';
import type { Timelines } from './timelines.ts';

/** How often a relay whose engines cannot speak checks again. */
const ENGINE_RECHECK_MS = 1_000;

export interface ReadoutRunnerOptions {
  queue: DurableQueue;
  engine: EngineChain;
  speech: () => SpeechDefaults;
  cancels: CancelPath;
  acks: PlaybackAcks;
  timelines: Timelines;
  storage: StorageRetry;
  /** Overlay events out (to the sinks' feed). */
  emit: (event: OverlayEvent) => void;
  /** How a readout's voice resolves (library clones and presets). */
  voices?: VoiceResolver;
  /** A readout's engine finished (who spoke it, how fast the first chunk came). */
  onSpoken: (u: Utterance, summary: TimelineSummary) => void;
  maxInFlight: number;
  ackGraceMs: number;
  audioChunkMs?: number;
  overlays$: Observable<number>;
  externalPause$: Observable<boolean>;
  log: Logger;
}

export interface ReadoutRunner {
  /** Something was queued: try to take it (queue changes wake the runner too). */
  wake(): void;
  close(): void;
}

export function runReadouts(o: ReadoutRunnerOptions): ReadoutRunner {
  const { queue, engine, cancels, timelines, log } = o;
  const wake$ = new Subject<void>();
  const engineGate = createEngineGate(engine, ENGINE_RECHECK_MS);
  /** In-flight readouts that sent audio: a failure then cannot be retried without repeating it. */
  const audible = new Set<string>();

  const gate$ = combineLatest([o.overlays$, queue.paused$, o.externalPause$, engineGate.ready$]).pipe(
    map(([overlays, paused, held, ready]) => overlays > 0 && !paused && !held && ready),
    distinctUntilChanged(),
  );

  const failed = (id: string, error: unknown) => {
    const code = error instanceof RelayError ? error.code : 'engine_failed';
    const detail = (error as Error)?.message ?? String(error);
    if (!audible.has(id) && (!engine.healthy() || (error instanceof EngineError && error.retryable))) {
      // Nothing was heard yet and the upstream may come back: wait instead of dropping.
      log.warn({ id, code, detail }, 'no engine could speak; the readout waits in the queue');
      cancels.cancel([id], 'waiting for a TTS engine');
      o.storage.durably('requeue', () => queue.requeue(id));
      engineGate.holdAfterFailure();
      return;
    }
    const reason = `synthesis failed (${code}): ${detail}`;
    log.error({ id, code, err: error }, 'synthesis failed; readout dropped');
    cancels.cancel([id], reason);
    o.storage.durably('drop', () => queue.drop(id, reason));
  };

  const onEvent = (e: ReadoutEvent) => {
    switch (e.type) {
      case 'output':
        if (e.value.type === 'audio:chunk') audible.add(e.item.id);
        o.emit(e.value);
        return;
      case 'error':
        failed(e.item.id, e.error);
        return;
      case 'released':
        audible.delete(e.item.id);
        if (e.reason === 'timeout') o.acks.timedOut(e.item.id);
        timelines.forget(e.item.id);
        return;
      default:
        return;
    }
  };

  const pipeline = merge(wake$, queue.changes$)
    .pipe(
      readoutPath({
        /** A storage failure means "nothing to take now"; the pull is retried. */
        take: () => o.storage.orLater('take the next readout', () => queue.takeNext(), () => wake$.next()),
        engine,
        speech: o.speech,
        voices: o.voices,
        onTimeline: (u, summary) => {
          timelines.set(u.id, summary);
          o.onSpoken(u, summary);
        },
        maxInFlight: o.maxInFlight,
        ...(o.audioChunkMs !== undefined && { chunkMs: o.audioChunkMs }),
        acks$: o.acks.endAcks$,
        cancels$: cancels.cancels$.pipe(map((c) => c.id)),
        ackTimeoutMs: (u) => (timelines.durationMs(u.id) ?? 0) + o.ackGraceMs,
        gate$,
      }),
    )
    .subscribe({ next: onEvent, error: (err) => log.error({ err }, 'pipeline stopped unexpectedly') });

  return {
    wake: () => wake$.next(),
    close() {
      wake$.complete();
      engineGate.close();
      pipeline.unsubscribe();
    },
  };
}
