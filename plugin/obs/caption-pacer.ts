/**
 * Paces caption lines (≤ 32 characters) with the audio as the stream's viewers hear it: once
 * a readout starts playing, each line is emitted when the utterance clock (time since
 * playback start, minus `delayMs`: the stream's video and audio reach viewers that much later
 * than the captions OBS writes) reaches its first word's startMs. A line is sealed when
 * emitted; words that arrive later start the next line. When a readout stops, the lines of
 * the words already heard still show, and `clearAfterMs` after its (delayed) end an empty
 * line clears the display — unless another readout has shown a line since.
 */
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { TimedWord } from '../../server/src/core/types.ts';
import { captionWords, splitCaptionLines } from './caption-lines.ts';
import type { ReadoutEvent } from './readout-events.ts';

/** The text to show for readout `id` now; '' clears it. */
export interface CaptionUpdate {
  id: string;
  text: string;
}

export interface CaptionPacerOptions {
  scheduler: SchedulerLike;
  /** Words kept per readout; later ones are ignored. */
  maxWords: number;
  /** Readouts held at once (words may arrive long before playback); the oldest is dropped. */
  maxTracked: number;
  /** How long after the audio is heard its captions are sent (read at each readout's start and stop); default 0. */
  delayMs?: () => number;
  /** How long the last line stays after the readout's audio ends; default 0. */
  clearAfterMs?: number;
}

interface Paced {
  words: TimedWord[];
  /** Words already emitted in lines. */
  sent: number;
  /** Lines with text shown. */
  shown: number;
  /** Scheduler time at which the utterance clock is 0 (playback start + delay). */
  clockZeroMs?: number;
  stopped?: boolean;
  timer?: Subscription;
  clearTimer?: Subscription;
}

export function pacedCaptions(readout$: Observable<ReadoutEvent>, options: CaptionPacerOptions): Observable<CaptionUpdate> {
  const { scheduler } = options;
  const delayMs = (): number => Math.max(0, options.delayMs?.() ?? 0);

  return new Observable<CaptionUpdate>((subscriber) => {
    const paced = new Map<string, Paced>();
    /** The readout whose line is on screen. */
    let onScreen: string | undefined;

    const forget = (id: string): Paced | undefined => {
      const p = paced.get(id);
      p?.timer?.unsubscribe();
      p?.clearTimer?.unsubscribe();
      paced.delete(id);
      return p;
    };

    const entry = (id: string): Paced => {
      let p = paced.get(id);
      if (!p) {
        p = { words: [], sent: 0, shown: 0 };
        paced.set(id, p);
        const oldest = paced.keys().next().value;
        if (paced.size > options.maxTracked && oldest !== undefined) forget(oldest);
      }
      return p;
    };

    const pump = (id: string, p: Paced): void => {
      p.timer?.unsubscribe();
      p.timer = undefined;
      if (p.clockZeroMs === undefined) return;
      for (;;) {
        const [line] = splitCaptionLines(p.words.slice(p.sent));
        if (!line) return;
        const clockMs = scheduler.now() - p.clockZeroMs;
        if (line.startMs > clockMs) {
          p.timer = scheduler.schedule(() => pump(id, p), line.startMs - clockMs);
          return;
        }
        p.sent += line.wordCount;
        if (line.text === '') continue;
        p.shown += 1;
        onScreen = id;
        subscriber.next({ id, text: line.text });
      }
    };

    const clear = (id: string): void => {
      const p = forget(id);
      if (p && p.shown > 0 && onScreen === id) {
        onScreen = undefined;
        subscriber.next({ id, text: '' });
      }
    };

    const onStop = (id: string): void => {
      const p = paced.get(id);
      if (!p || p.stopped) return;
      if (p.clockZeroMs === undefined) return void forget(id);
      p.stopped = true;
      // What was heard up to now still shows (delayed); words never heard do not.
      const heardUntilMs = scheduler.now() - p.clockZeroMs + delayMs();
      p.words = p.words.filter((w, i) => i < p.sent || w.startMs < heardUntilMs);
      pump(id, p);
      p.clearTimer = scheduler.schedule(() => clear(id), delayMs() + (options.clearAfterMs ?? 0));
    };

    const onEvent = (event: ReadoutEvent): void => {
      switch (event.type) {
        case 'words': {
          const p = entry(event.id);
          if (p.stopped) return;
          const room = options.maxWords - p.words.length;
          p.words.push(...captionWords(event.words).slice(0, Math.max(0, room)));
          pump(event.id, p);
          return;
        }
        case 'start': {
          const p = entry(event.id);
          p.clockZeroMs ??= scheduler.now() + delayMs();
          pump(event.id, p);
          return;
        }
        case 'stop':
          onStop(event.id);
      }
    };

    const subscription = readout$.subscribe({
      next: onEvent,
      error: (e: unknown) => subscriber.error(e),
      complete: () => subscriber.complete(),
    });
    return () => {
      subscription.unsubscribe();
      for (const id of [...paced.keys()]) forget(id);
    };
  });
}
