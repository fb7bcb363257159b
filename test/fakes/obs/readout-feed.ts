/**
 * Drives the OBS integration's inputs the way the relay does: cue word timings on the
 * overlay event stream, then playback acks from the overlay.
 */
import { Subject } from 'rxjs';
import type { OverlayEvent, PlaybackNotice } from '../../../server/src/core/protocol.ts';
import type { TimedWord } from '../../../server/src/core/types.ts';

export interface ReadoutFeed {
  readonly overlayEvents$: Subject<OverlayEvent>;
  readonly playback$: Subject<PlaybackNotice>;
  /** Sends the words of `text` as one cue (a word every `stepMs`), utterance:end, and the playback start ack. */
  play(id: string, text: string, stepMs: number): TimedWord[];
  end(id: string): void;
  cancel(id: string): void;
}

export function readoutFeed(): ReadoutFeed {
  const overlayEvents$ = new Subject<OverlayEvent>();
  const playback$ = new Subject<PlaybackNotice>();
  return {
    overlayEvents$,
    playback$,
    play(id, text, stepMs) {
      const words = text.split(' ').map((w, i): TimedWord => ({ text: w, startMs: i * stepMs, endMs: (i + 1) * stepMs }));
      overlayEvents$.next({ type: 'cue', data: { id, words } });
      overlayEvents$.next({ type: 'utterance:end', data: { id, durationMs: words.length * stepMs } });
      playback$.next({ id, type: 'start' });
      return words;
    },
    end: (id) => playback$.next({ id, type: 'end' }),
    cancel: (id) => overlayEvents$.next({ type: 'utterance:cancel', data: { id, reason: 'skipped' } }),
  };
}
