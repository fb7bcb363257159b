import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import type { OverlayEvent } from '../../server/src/core/protocol.ts';
import type { PlaybackNotice } from '../../server/src/core/sink.ts';
import { anyPlaying, readoutEvents, type ReadoutEvent } from './readout-events.ts';

const OPTIONS = { endGraceMs: 500, maxReadoutMs: 10_000, maxTracked: 8 };
const cue: OverlayEvent = { type: 'cue', data: { id: 'u1', words: [{ text: 'hi', startMs: 0, endMs: 100 }] } };
const end: OverlayEvent = { type: 'utterance:end', data: { id: 'u1', durationMs: 1_000 } };
const cancel: OverlayEvent = { type: 'utterance:cancel', data: { id: 'u1', reason: 'skipped' } };
const started: PlaybackNotice = { id: 'u1', type: 'start' };
const ended: PlaybackNotice = { id: 'u1', type: 'end' };
const out: Record<string, ReadoutEvent> = {
  w: { type: 'words', id: 'u1', words: [{ text: ' hi', startMs: 0, endMs: 100 }] }, // no text known: joined by spaces
  s: { type: 'start', id: 'u1' },
  x: { type: 'stop', id: 'u1' },
};

function expectReadout(overlay: string, playback: string, expected: string, playing?: string): void {
  const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
  scheduler.run(({ hot, expectObservable }) => {
    const readout$ = readoutEvents(
      hot<OverlayEvent>(overlay, { c: cue, e: end, k: cancel }),
      hot<PlaybackNotice>(playback, { s: started, x: ended }),
      { scheduler, ...OPTIONS },
    );
    expectObservable(readout$).toBe(expected, out);
    if (playing) expectObservable(anyPlaying(readout$)).toBe(playing, { t: true, f: false });
  });
}

describe('readoutEvents', () => {
  it('gives each timed word the stretch of the readout text it speaks, and the rest at utterance:end', () => {
    const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
    scheduler.run(({ hot, expectObservable }) => {
      const text = '<3 Hi, “Kappa” there!! :)';
      const overlay = hot<OverlayEvent>('a b c e', {
        a: { type: 'utterance:start', data: { id: 'u1', text, user: 'v', sampleRateHz: 24_000, channels: 1, format: 'pcm_s16le' } },
        b: { type: 'cue', data: { id: 'u1', words: [{ text: 'hi', startMs: 0, endMs: 100 }, { text: 'kappa', startMs: 100, endMs: 200 }] } },
        c: { type: 'cue', data: { id: 'u1', words: [{ text: 'unknown', startMs: 200, endMs: 300 }, { text: 'there', startMs: 300, endMs: 400 }] } },
        e: end,
      });
      expectObservable(readoutEvents(overlay, hot<PlaybackNotice>(''), { scheduler, ...OPTIONS })).toBe('- b c e', {
        b: { type: 'words', id: 'u1', words: [{ text: '<3 Hi,', startMs: 0, endMs: 100 }, { text: ' “Kappa”', startMs: 100, endMs: 200 }] },
        c: { type: 'words', id: 'u1', words: [{ text: ' there!!', startMs: 300, endMs: 400 }] },
        e: { type: 'words', id: 'u1', words: [{ text: ' :)', startMs: 400, endMs: 400 }] },
      });
    });
  });

  it('passes cue words, and starts and stops with the playback acks', () => {
    expectReadout('c', '- s 98ms x', 'w s 98ms x', '- t 98ms f');
  });

  it('stops on cancel', () => {
    expectReadout('c 9ms k', '- s', 'w s 8ms x', '- t 8ms f');
  });

  it('stops a readout whose end ack never comes once its duration plus the grace has passed', () => {
    expectReadout('- 9ms e', 's', 's 1499ms x');
  });

  it('bounds a readout of unknown duration by maxReadoutMs', () => {
    expectReadout('', 's', 's 9999ms x');
  });

  it('starts a readout once even if acked twice', () => {
    expectReadout('', 's s 98ms x', 's 99ms x');
  });
});
