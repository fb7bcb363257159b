/**
 * The streamer's recognized voice for the CEA-608 captions: each final subtitle line that
 * carries a recognizer's timing becomes a caption "readout" of its own — its words (aligned
 * to its text, see caption-text.ts), a start as the line arrives, and a stop once its
 * duration has passed — paced like readouts. Only the original text: 608 has no room for a
 * second language, and characters outside its set are dropped by the caption writer (so
 * Chinese speech gives no 608 captions; the overlay and the subtitle files still have it).
 * Not readouts: they never duck other inputs (this stream is not fed to `anyPlaying`).
 */
import { Observable, type SchedulerLike } from 'rxjs';
import type { OverlayEvent } from '../../server/src/core/protocol.ts';
import { createWordAligner } from './caption-text.ts';
import type { ReadoutEvent } from './readout-events.ts';

export function spokenLineEvents(overlayEvents$: Observable<OverlayEvent>, scheduler: SchedulerLike): Observable<ReadoutEvent> {
  return new Observable<ReadoutEvent>((subscriber) => {
    const subscription = overlayEvents$.subscribe({
      next: (event) => {
        if (event.type !== 'subtitle:line') return;
        const { id, text, final, words, durationMs } = event.data;
        if (!final || durationMs === undefined || text.trim() === '') return;
        const aligner = createWordAligner(text);
        const timed = words && words.length > 0 ? [...aligner.align(words), ...aligner.rest()] : [{ text, startMs: 0, endMs: durationMs }];
        subscriber.next({ type: 'words', id, words: timed });
        subscriber.next({ type: 'start', id });
        subscription.add(scheduler.schedule(() => subscriber.next({ type: 'stop', id }), durationMs));
      },
      error: (e: unknown) => subscriber.error(e),
    });
    return subscription;
  });
}
