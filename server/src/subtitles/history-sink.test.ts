import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import type { OverlayEvent } from '../core/protocol.ts';
import type { PlaybackNotice } from '../core/sink.ts';
import type { TimedWord } from '../core/types.ts';
import { createHistorySink } from './history-sink.ts';

const word = (text: string, startMs: number): TimedWord => ({ text, startMs, endMs: startMs + 100 });

function attach(maxReadouts?: number, failures = 0) {
  const recorded: { id: string; durationMs: number; words: readonly TimedWord[] }[] = [];
  const events$ = new Subject<OverlayEvent>();
  const store = {
    recordTimeline: (id: string, t: { durationMs: number; words: readonly TimedWord[] }) => {
      if (failures-- > 0) throw new Error('disk full');
      recorded.push({ id, ...t });
    },
  };
  const sink = createHistorySink(store, silentLogger, maxReadouts);
  sink.attach({ events$, playback$: new Subject<PlaybackNotice>() });
  const start = (id: string) => events$.next({ type: 'utterance:start', data: { id, text: id, user: 'u', sampleRateHz: 16_000, channels: 1, format: 'pcm_s16le' } });
  return { sink, recorded, events$, start };
}

describe('history sink', () => {
  it("records each finished readout's words and duration, readouts interleaved", () => {
    const { sink, recorded, events$, start } = attach();
    expect(sink.name).toBe('history');
    start('a');
    start('b');
    events$.next({ type: 'cue', data: { id: 'a', words: [word('hello', 0)] } });
    events$.next({ type: 'cue', data: { id: 'b', words: [word('你好', 0)] } });
    events$.next({ type: 'cue', data: { id: 'a', words: [word('world', 100)] } });
    events$.next({ type: 'utterance:end', data: { id: 'a', durationMs: 250 } });
    events$.next({ type: 'utterance:end', data: { id: 'b', durationMs: 120 } });
    expect(recorded).toEqual([
      { id: 'a', durationMs: 250, words: [word('hello', 0), word('world', 100)] },
      { id: 'b', durationMs: 120, words: [word('你好', 0)] },
    ]);
  });

  it('records nothing for a readout cancelled before its engine finished', () => {
    const { recorded, events$, start } = attach();
    start('a');
    events$.next({ type: 'cue', data: { id: 'a', words: [word('x', 0)] } });
    events$.next({ type: 'utterance:cancel', data: { id: 'a', reason: 'skipped' } });
    expect(recorded).toEqual([]);
  });

  it('keeps words for at most maxReadouts readouts in flight (the oldest forgotten)', () => {
    const { recorded, events$, start } = attach(2);
    start('a');
    events$.next({ type: 'cue', data: { id: 'a', words: [word('a', 0)] } });
    start('b');
    start('c');
    events$.next({ type: 'utterance:end', data: { id: 'a', durationMs: 10 } });
    expect(recorded).toEqual([{ id: 'a', durationMs: 10, words: [] }]);
  });

  it('a store failure loses that timeline only: the next readout is recorded', () => {
    const { recorded, events$, start } = attach(undefined, 1);
    start('a');
    events$.next({ type: 'utterance:end', data: { id: 'a', durationMs: 10 } });
    start('b');
    events$.next({ type: 'utterance:end', data: { id: 'b', durationMs: 20 } });
    expect(recorded).toEqual([{ id: 'b', durationMs: 20, words: [] }]);
  });
});
