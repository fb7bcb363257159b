/**
 * Drives a sink (the OBS integration) the way the relay's feed does: cue word timings on the
 * event stream, then playback acks from the overlay.
 */
import { Subject } from 'rxjs';
import type { OverlayEvent } from '../../../server/src/core/protocol.ts';
import type { PlaybackNotice, ReadoutFeed } from '../../../server/src/core/sink.ts';
import type { TimedWord } from '../../../server/src/core/types.ts';

export interface FakeReadoutFeed extends ReadoutFeed {
  readonly events$: Subject<OverlayEvent>;
  readonly playback$: Subject<PlaybackNotice>;
  /**
   * Sends utterance:start with `text`, its words as one cue (a word every `stepMs`; as an
   * engine times them: split at spaces, without punctuation), utterance:end, and the
   * playback start ack.
   */
  play(id: string, text: string, stepMs: number): TimedWord[];
  end(id: string): void;
  cancel(id: string): void;
}

export function readoutFeed(): FakeReadoutFeed {
  const events$ = new Subject<OverlayEvent>();
  const playback$ = new Subject<PlaybackNotice>();
  return {
    events$,
    playback$,
    play(id, text, stepMs) {
      const tokens = text.split(/\s+/u).map((w) => w.replace(/[^\p{L}\p{N}']/gu, '')).filter(Boolean);
      const words = tokens.map((w, i): TimedWord => ({ text: w, startMs: i * stepMs, endMs: (i + 1) * stepMs }));
      events$.next({ type: 'utterance:start', data: { id, text, user: 'viewer', sampleRateHz: 24_000, channels: 1, format: 'pcm_s16le' } });
      events$.next({ type: 'cue', data: { id, words } });
      events$.next({ type: 'utterance:end', data: { id, durationMs: words.length * stepMs } });
      playback$.next({ id, type: 'start' });
      return words;
    },
    end: (id) => playback$.next({ id, type: 'end' }),
    cancel: (id) => events$.next({ type: 'utterance:cancel', data: { id, reason: 'skipped' } }),
  };
}
