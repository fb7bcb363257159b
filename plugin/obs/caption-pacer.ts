/**
 * Paces caption lines (≤ 32 characters) with the audio: once a readout starts playing, each
 * line is emitted when the utterance clock (time since playback start) reaches its first
 * word's startMs. A line is sealed when emitted; words that arrive later start the next line. When a readout
 * stops after showing something, an empty line clears the display.
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
}

interface Paced {
  words: TimedWord[];
  /** Words already emitted in lines. */
  sent: number;
  startedAtMs?: number;
  timer?: Subscription;
}

export function pacedCaptions(readout$: Observable<ReadoutEvent>, options: CaptionPacerOptions): Observable<CaptionUpdate> {
  const { scheduler } = options;

  return new Observable<CaptionUpdate>((subscriber) => {
    const paced = new Map<string, Paced>();

    const forget = (id: string): Paced | undefined => {
      const p = paced.get(id);
      p?.timer?.unsubscribe();
      paced.delete(id);
      return p;
    };

    const entry = (id: string): Paced => {
      let p = paced.get(id);
      if (!p) {
        p = { words: [], sent: 0 };
        paced.set(id, p);
        const oldest = paced.keys().next().value;
        if (paced.size > options.maxTracked && oldest !== undefined) forget(oldest);
      }
      return p;
    };

    const pump = (id: string, p: Paced): void => {
      p.timer?.unsubscribe();
      p.timer = undefined;
      if (p.startedAtMs === undefined) return;
      for (;;) {
        const [line] = splitCaptionLines(p.words.slice(p.sent));
        if (!line) return;
        const clockMs = scheduler.now() - p.startedAtMs;
        if (line.startMs > clockMs) {
          p.timer = scheduler.schedule(() => pump(id, p), line.startMs - clockMs);
          return;
        }
        p.sent += line.wordCount;
        subscriber.next({ id, text: line.text });
      }
    };

    const onEvent = (event: ReadoutEvent): void => {
      switch (event.type) {
        case 'words': {
          const p = entry(event.id);
          const room = options.maxWords - p.words.length;
          p.words.push(...captionWords(event.words).slice(0, Math.max(0, room)));
          pump(event.id, p);
          return;
        }
        case 'start': {
          const p = entry(event.id);
          p.startedAtMs ??= scheduler.now();
          pump(event.id, p);
          return;
        }
        case 'stop': {
          const p = forget(event.id);
          if (p && p.sent > 0) subscriber.next({ id: event.id, text: '' });
        }
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
