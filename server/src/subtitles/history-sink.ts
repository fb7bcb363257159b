/**
 * The subtitle history as a sink: each readout's words and audio duration, collected from its
 * timeline events and recorded once its engine finished (`utterance:end`). SRT/VTT/JSON
 * history and the panel's log are read from what it records. Holds words only for readouts
 * in flight (at most `maxReadouts`, the oldest forgotten first).
 */
import type { Logger } from '../core/logger.ts';
import type { CaptionSink } from '../core/sink.ts';
import type { TimedWord } from '../core/types.ts';

export interface TimelineStore {
  recordTimeline(id: string, timeline: { durationMs: number; words: readonly TimedWord[] }): void;
}

export function createHistorySink(store: TimelineStore, log: Logger, maxReadouts = 64): CaptionSink {
  return {
    name: 'history',
    attach(feed) {
      const words = new Map<string, TimedWord[]>();
      return feed.events$.subscribe((event) => {
        switch (event.type) {
          case 'utterance:start':
            if (words.size >= maxReadouts) words.delete(words.keys().next().value!);
            words.set(event.data.id, []);
            return;
          case 'cue':
            words.get(event.data.id)?.push(...event.data.words);
            return;
          case 'utterance:end': {
            const { id, durationMs } = event.data;
            const timeline = { durationMs, words: words.get(id) ?? [] };
            words.delete(id);
            try {
              store.recordTimeline(id, timeline);
            } catch (err) {
              // The readout still plays; only its subtitle timings are missing from the history.
              log.error({ id, err }, 'cannot record the readout timeline in the history');
            }
            return;
          }
          case 'utterance:cancel':
            words.delete(event.data.id);
            return;
          default:
            return;
        }
      });
    },
  };
}
