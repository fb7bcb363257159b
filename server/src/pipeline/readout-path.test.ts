import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { takenReadout } from '../../../test/support/readout.ts';
import type { SynthesisOutput, SynthesisRequest } from '../core/types.ts';
import { readoutPath, type ReadoutEvent } from './readout-path.ts';
import type { SpeechDefaults } from './synthesize.ts';

const RATE_HZ = 1_000;
/** 10 samples at 1 kHz = 10 ms of audio, every sample `value`. */
const audio = (value: number): SynthesisOutput => ({ kind: 'audio', pcm: new Uint8Array(Int16Array.from({ length: 10 }, () => value).buffer), sampleRateHz: RATE_HZ });
const cue: SynthesisOutput = { kind: 'cue', words: [{ text: 'hi', startMs: 0, endMs: 10 }], timing: 'engine' };

/** One line per limiter event: "start A", "A utterance:start", "A audio:chunk 0 @0ms 100", "released A ack". */
function label(e: ReadoutEvent): string {
  if (e.type === 'output') {
    const v = e.value;
    if (v.type === 'audio:chunk') return `${e.item.id} audio:chunk ${v.data.seq} @${v.data.offsetMs}ms ${new Int16Array(new Uint8Array(v.data.pcm as Uint8Array).buffer)[0]}`;
    return `${e.item.id} ${v.type}`;
  }
  if (e.type === 'released') return `released ${e.item.id} ${e.reason}`;
  return `${e.type} ${e.item.id}`;
}

interface Run {
  events: Record<number, string[]>;
  requests: SynthesisRequest[];
  timelines: string[];
}

function run(engineMarble: string, marbles: { acks?: string; cancels?: string }, speech: SpeechDefaults = {}, chunkMs?: number): Run {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const queue = [takenReadout('A'), takenReadout('B')];
  const out: Run = { events: {}, requests: [], timelines: [] };
  scheduler.run(({ cold, hot, flush }) => {
    const engine = {
      sampleRateHz: RATE_HZ,
      synthesize: (r: SynthesisRequest) => {
        out.requests.push(r);
        return cold(engineMarble, { a: audio(100), b: audio(-100), c: cue });
      },
    };
    const ids = { a: 'A', b: 'B' };
    const events$ = new Subject<void>().pipe(
      readoutPath({
        take: () => queue.shift(),
        engine,
        speech: () => speech,
        onTimeline: (u, s) => out.timelines.push(`${u.id} ${s.durationMs}ms ${s.words.map((w) => w.text).join(' ')}`),
        maxInFlight: 1,
        ...(chunkMs !== undefined && { chunkMs }),
        acks$: hot(marbles.acks ?? '', ids),
        cancels$: hot(marbles.cancels ?? '', ids),
        ackTimeoutMs: () => 1_000,
        gate$: hot('o', { o: true }),
      }),
    );
    events$.subscribe((e) => (out.events[scheduler.now()] ??= []).push(label(e)));
    flush();
  });
  return out;
}

describe('readoutPath', () => {
  it('takes one readout per free slot, synthesizes it, scales it and times it; the next waits for the ack', () => {
    const { events, requests, timelines } = run('-a-c-b|', { acks: '--------a' }, { voice: 'v', volumePercent: 50 });
    expect(events).toEqual({
      0: ['start A', 'A utterance:start'],
      1: ['A audio:chunk 0 @0ms 50'],
      3: ['A cue'],
      5: ['A audio:chunk 1 @10ms -50'],
      6: ['A utterance:end', 'complete A'],
      8: ['released A ack', 'start B', 'B utterance:start'],
      9: ['B audio:chunk 0 @0ms 50'],
      11: ['B cue'],
      13: ['B audio:chunk 1 @10ms -50'],
      14: ['B utterance:end', 'complete B'],
      // No ack for B: the safety timeout frees its slot once its work completed.
      1014: ['released B timeout'],
    });
    expect(requests).toEqual([
      { id: 'A', text: 'text A', voice: 'v' },
      { id: 'B', text: 'text B', voice: 'v' },
    ]);
    expect(timelines).toEqual(['A 20ms hi', 'B 20ms hi']);
  });

  it('a cancel stops the synthesis mid-readout and frees the slot for the next one', () => {
    const { events, timelines } = run('-a-c-b|', { cancels: '--a' });
    expect(events[2]).toEqual(['released A cancel', 'start B', 'B utterance:start']);
    expect(Object.values(events).flat().filter((l) => l.startsWith('A '))).toEqual(['A utterance:start', 'A audio:chunk 0 @0ms 100']);
    expect(timelines).toEqual(['B 20ms hi']);
  });

  it("an engine error ends the readout's work with the error; the slot is freed", () => {
    const { events } = run('-a#', {});
    expect(events[2]).toEqual(['error A', 'released A error', 'start B', 'B utterance:start']);
  });

  it('re-cuts the audio after the first chunk into chunks of chunkMs (RELAY_AUDIO_CHUNK_MS)', () => {
    const chunks = (r: Run) => Object.values(r.events).flat().filter((l) => l.startsWith('A audio:chunk')).length;
    // 40 blocks of 10 ms, one per ms: far ahead of playback once the first 60 ms went out
    // one by one (rechunk's underrun margin), so the rest is cut by length alone.
    const engine = `${'a'.repeat(40)}|`;
    const byDefault = chunks(run(engine, { acks: '-' }));
    const short = chunks(run(engine, { acks: '-' }, {}, 50));
    // The exact cuts are rechunk's (rechunk.test.ts); here: the setting reaches it.
    expect(short).toBeGreaterThan(byDefault);
    expect([byDefault, short]).toEqual([10, 14]);
  });
});
