/**
 * The contract between the relay and every consumer of its readouts (sinks): the overlay
 * namespace, OBS captions and the subtitle history each attach to one feed. A new consumer
 * of finished captions is one more `CaptionSink`, wired in the composition root.
 */
import type { Observable, Unsubscribable } from 'rxjs';
import type { OverlayEvent } from './protocol.ts';

/** An overlay acknowledged that a readout started or ended playing (what the audience hears). */
export interface PlaybackNotice {
  id: string;
  type: 'start' | 'end';
}

/** What the relay produces for sinks. Both streams are hot. */
export interface ReadoutFeed {
  /**
   * Every readout's timeline in order (`utterance:start`, `audio:chunk`, `cue`,
   * `utterance:end`, `utterance:cancel`) and the shown-only `subtitle:line`s.
   */
  readonly events$: Observable<OverlayEvent>;
  /** Playback acks from the overlays, after the queue recorded them. */
  readonly playback$: Observable<PlaybackNotice>;
}

/** A consumer of readouts: `attach` starts consuming the feed; unsubscribing stops it. */
export interface CaptionSink {
  readonly name: string;
  attach(feed: ReadoutFeed): Unsubscribable;
}
