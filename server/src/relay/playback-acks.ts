/**
 * Overlay playback acks → queue states: `playback:start` records the first-audio latency
 * (from the readout's turn) and the time it waited for that turn,
 * `playback:end` marks the readout played and frees its limiter slot. When no overlay acks
 * in time, the limiter's safety timeout marks it played instead (reason `ack-timeout`).
 * Sinks that follow the audio (OBS captions, ducking) read `playback$`.
 */
import { Subject, type Observable } from 'rxjs';
import { StorageError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { PlaybackNotice } from '../core/sink.ts';
import type { Utterance } from '../core/types.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { StorageRetry } from '../pipeline/storage-retry.ts';
import type { DurableQueue } from '../queue/durable-queue.ts';

export interface PlaybackAcksOptions {
  queue: Pick<DurableQueue, 'markPlaying' | 'markPlayed'>;
  metrics: Pick<Metrics, 'firstAudioLatencyMs' | 'queueWaitMs'>;
  durably: StorageRetry['durably'];
  log: Logger;
}

export interface PlaybackAcks {
  started(id: string, atMs: number): void;
  ended(id: string): void;
  /** No overlay acked the end within the readout's duration + grace. */
  timedOut(id: string): void;
  /** Recorded starts and ends (each once). */
  readonly playback$: Observable<PlaybackNotice>;
  /** Every playback:end ack, by id, recorded or not (the limiter's slots; scale-out takeovers). */
  readonly endAcks$: Observable<string>;
  close(): void;
}

export function createPlaybackAcks({ queue, metrics, durably, log }: PlaybackAcksOptions): PlaybackAcks {
  const playback$ = new Subject<PlaybackNotice>();
  const endAcks$ = new Subject<string>();

  const markPlayed = (id: string, reason?: string) =>
    durably('mark played', () => {
      if (!queue.markPlayed(id, reason === undefined ? {} : { reason })) return;
      if (reason === undefined) log.info({ id }, 'playback ended');
      else log.warn({ id }, 'no playback:end ack from any overlay; queue advanced by the safety timeout');
      playback$.next({ id, type: 'end' });
    });

  return {
    started(id, atMs) {
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
      if (playing.waitMs !== undefined) metrics.queueWaitMs.observe(playing.waitMs);
      log.info({ id, firstAudioMs: playing.firstAudioMs, waitMs: playing.waitMs }, 'playback started');
      playback$.next({ id, type: 'start' });
    },
    ended(id) {
      markPlayed(id);
      endAcks$.next(id);
    },
    timedOut: (id) => markPlayed(id, 'ack-timeout'),
    playback$: playback$.asObservable(),
    endAcks$: endAcks$.asObservable(),
    close() {
      playback$.complete();
      endAcks$.complete();
    },
  };
}
