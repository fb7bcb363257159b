/**
 * The overlay event stream plus playback acks, reduced to what OBS features need per readout:
 * its words (each timed word with the stretch of the readout's text it speaks, punctuation
 * and case as written: see caption-text.ts), when it starts playing, and when it stops. Every start gets a stop: on the
 * playback end ack, on cancel, or, if the ack never comes, once the audio's duration (from
 * `utterance:end`) plus a grace period has passed since the start.
 */
import { Observable, distinctUntilChanged, filter, map, scan, type SchedulerLike, type Subscription } from 'rxjs';
import type { OverlayEvent } from '../../server/src/core/protocol.ts';
import type { PlaybackNotice } from '../../server/src/core/sink.ts';
import type { TimedWord } from '../../server/src/core/types.ts';
import { createWordAligner, type WordAligner } from './caption-text.ts';

export type ReadoutEvent =
  /** Each word's text is the stretch of the readout's text up to its end, leading space kept. */
  | { type: 'words'; id: string; words: TimedWord[] }
  | { type: 'start'; id: string }
  | { type: 'stop'; id: string };

export interface ReadoutEventsOptions {
  scheduler: SchedulerLike;
  /** How long past its audio duration a readout may play before it counts as ended. */
  endGraceMs: number;
  /** Upper bound on a readout whose duration is not known yet. */
  maxReadoutMs: number;
  /** Readouts tracked at once; the oldest is stopped and forgotten beyond this. */
  maxTracked: number;
}

interface Tracked {
  startedAtMs?: number;
  durationMs?: number;
  deadline?: Subscription;
  /** From the readout's text (utterance:start); without it, the engine's words are joined by spaces. */
  aligner?: WordAligner;
}

const spaced = (words: readonly TimedWord[]): TimedWord[] => words.map((w) => ({ ...w, text: ` ${w.text}` }));

export function readoutEvents(
  overlayEvents$: Observable<OverlayEvent>,
  playback$: Observable<PlaybackNotice>,
  options: ReadoutEventsOptions,
): Observable<ReadoutEvent> {
  return new Observable<ReadoutEvent>((subscriber) => {
    const tracked = new Map<string, Tracked>();

    const stop = (id: string): void => {
      tracked.get(id)?.deadline?.unsubscribe();
      tracked.delete(id);
      subscriber.next({ type: 'stop', id });
    };

    const entry = (id: string): Tracked => {
      let found = tracked.get(id);
      if (!found) {
        found = {};
        tracked.set(id, found);
        const oldest = tracked.keys().next().value;
        if (tracked.size > options.maxTracked && oldest !== undefined) stop(oldest);
      }
      return found;
    };

    const armDeadline = (id: string, t: Tracked): void => {
      if (t.startedAtMs === undefined) return;
      t.deadline?.unsubscribe();
      const lastsMs = t.durationMs === undefined ? options.maxReadoutMs : t.durationMs + options.endGraceMs;
      const dueInMs = Math.max(0, t.startedAtMs + lastsMs - options.scheduler.now());
      t.deadline = options.scheduler.schedule(() => stop(id), dueInMs);
    };

    const onOverlay = (event: OverlayEvent): void => {
      switch (event.type) {
        case 'utterance:start':
          entry(event.data.id).aligner = createWordAligner(event.data.text);
          return;
        case 'cue': {
          const aligner = tracked.get(event.data.id)?.aligner;
          const words = aligner ? aligner.align(event.data.words) : spaced(event.data.words);
          subscriber.next({ type: 'words', id: event.data.id, words });
          return;
        }
        case 'utterance:end': {
          const t = entry(event.data.id);
          const rest = t.aligner?.rest() ?? [];
          if (rest.length > 0) subscriber.next({ type: 'words', id: event.data.id, words: rest });
          t.durationMs = event.data.durationMs;
          armDeadline(event.data.id, t);
          return;
        }
        case 'utterance:cancel':
          stop(event.data.id);
          return;
        default:
      }
    };

    const onPlayback = (notice: PlaybackNotice): void => {
      if (notice.type === 'end') return stop(notice.id);
      const t = entry(notice.id);
      if (t.startedAtMs !== undefined) return;
      t.startedAtMs = options.scheduler.now();
      subscriber.next({ type: 'start', id: notice.id });
      armDeadline(notice.id, t);
    };

    const subscriptions = [
      overlayEvents$.subscribe({ next: onOverlay, error: (e: unknown) => subscriber.error(e) }),
      playback$.subscribe({ next: onPlayback, error: (e: unknown) => subscriber.error(e) }),
    ];
    return () => {
      for (const s of subscriptions) s.unsubscribe();
      for (const t of tracked.values()) t.deadline?.unsubscribe();
      tracked.clear();
    };
  });
}

/** True while at least one readout is between its start and its stop (changes only). */
export function anyPlaying(readout$: Observable<ReadoutEvent>): Observable<boolean> {
  return readout$.pipe(
    filter((event) => event.type !== 'words'),
    scan((playing, event) => {
      const next = new Set(playing);
      if (event.type === 'start') next.add(event.id);
      else next.delete(event.id);
      return next;
    }, new Set<string>()),
    map((playing) => playing.size > 0),
    distinctUntilChanged(),
  );
}
