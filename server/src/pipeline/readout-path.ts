/**
 * The readout path, written once:
 *
 *   wake-ups ─▶ limit( take ─▶ synthesize ─▶ rechunk ─▶ gain ─▶ timeline ) ─▶ limiter events
 *
 * `take` pulls the next readout from the durable queue when the limiter has a free slot and
 * its gate is open; each taken readout is synthesized by the engine, re-chunked for the wire
 * (a first chunk at once, then larger ones), scaled by the volume setting and put on its own audio clock as overlay events. The limiter holds every readout
 * until an overlay acks its end (or it is cancelled), so nothing here buffers past
 * `maxInFlight`. The relay turns the limiter's events into overlay output and queue states.
 */
import { of, type Observable, type OperatorFunction } from 'rxjs';
import type { TtsEngine } from '../core/engine.ts';
import type { OverlayEvent } from '../core/protocol.ts';
import type { Utterance } from '../core/types.ts';
import type { VoiceResolver } from '../core/voices.ts';
import { gainOf, withGain } from './gain.ts';
import { limit, type LimitEvent } from './limit.ts';
import { rechunk, RECHUNK_TARGET_MS, RECHUNK_UNDERRUN_MARGIN_MS } from './rechunk.ts';
import { synthesize, type SpeechDefaults } from './synthesize.ts';
import { timeline, type TimelineSummary } from './timeline.ts';

export interface ReadoutPathOptions {
  /** The next readout to play, or undefined when none is ready. */
  take: () => Utterance | undefined;
  engine: Pick<TtsEngine, 'synthesize' | 'sampleRateHz'>;
  /** Read as each readout starts, so panel changes apply to the next readout. */
  speech: () => SpeechDefaults;
  /** How a readout's voice resolves (a library clone or a preset); without it every voice is a preset. */
  voices?: VoiceResolver;
  /** A readout's engine finished: its duration and words on its audio clock. */
  onTimeline: (u: Utterance, summary: TimelineSummary) => void;
  maxInFlight: number;
  /** Chunk length after the first chunk; default RECHUNK_TARGET_MS. */
  chunkMs?: number;
  /** Ids an overlay finished playing. */
  acks$: Observable<string>;
  /** Ids to stop now. */
  cancels$: Observable<string>;
  ackTimeoutMs: (u: Utterance) => number;
  /** false = start nothing new. */
  gate$: Observable<boolean>;
}

export type ReadoutEvent = LimitEvent<Utterance, OverlayEvent>;

export function readoutPath(o: ReadoutPathOptions): OperatorFunction<unknown, ReadoutEvent> {
  const speak = (u: Utterance): Observable<OverlayEvent> => {
    const speech = o.speech();
    return of(u).pipe(
      synthesize(o.engine, speech, o.voices),
      rechunk({ targetMs: o.chunkMs ?? RECHUNK_TARGET_MS, underrunMarginMs: RECHUNK_UNDERRUN_MARGIN_MS }),
      withGain(gainOf(speech.volumePercent ?? 100)),
      timeline(u, o.engine.sampleRateHz, (summary) => o.onTimeline(u, summary)),
    );
  };
  return limit<Utterance, OverlayEvent>({
    take: o.take,
    work: speak,
    maxInFlight: o.maxInFlight,
    acks$: o.acks$,
    cancel$: o.cancels$,
    ackTimeoutMs: o.ackTimeoutMs,
    gate$: o.gate$,
  });
}
