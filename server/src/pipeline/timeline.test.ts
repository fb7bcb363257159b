import { from, lastValueFrom, map, toArray, throwError, concat, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { SynthesisOutput } from '../core/types.ts';
import { timeline, type TimelineSummary } from './timeline.ts';

const pcm = (samples: number) => ({ kind: 'audio' as const, pcm: new Uint8Array(samples * 2), sampleRateHz: 1000 });
const utterance = { id: 'u1', text: 'hello world', user: 'ann' };

describe('timeline', () => {
  it('numbers chunks, puts them on the sample clock and ends with the total duration', async () => {
    const outputs: SynthesisOutput[] = [
      pcm(100),
      { kind: 'cue', words: [{ text: 'hello', startMs: 0, endMs: 150 }], timing: 'engine' },
      pcm(250),
      { kind: 'cue', words: [{ text: 'world', startMs: 150, endMs: 400 }], timing: 'engine' },
      pcm(50),
    ];
    let summary: TimelineSummary | undefined;
    const events = await lastValueFrom(from(outputs).pipe(timeline(utterance, 1000, (s) => (summary = s)), toArray()));
    expect(events.map((e) => e.type)).toEqual(['utterance:start', 'audio:chunk', 'cue', 'audio:chunk', 'cue', 'audio:chunk', 'utterance:end']);
    expect(events[0]!.data).toEqual({ id: 'u1', text: 'hello world', user: 'ann', sampleRateHz: 1000, channels: 1, format: 'pcm_s16le' });
    const chunks = events.filter((e) => e.type === 'audio:chunk').map((e) => e.data as { seq: number; offsetMs: number; durationMs: number });
    expect(chunks.map(({ seq, offsetMs, durationMs }) => [seq, offsetMs, durationMs])).toEqual([
      [0, 0, 100],
      [1, 100, 250],
      [2, 350, 50],
    ]);
    expect(events.at(-1)!.data).toEqual({ id: 'u1', durationMs: 400 });
    expect(summary?.durationMs).toBe(400);
    expect(summary?.words.map((w) => w.text)).toEqual(['hello', 'world']);
  });

  it('passes an engine error through without an utterance:end', () => {
    const events: string[] = [];
    concat(of(pcm(10)), throwError(() => new Error('boom')))
      .pipe(timeline(utterance, 1000))
      .subscribe({ next: (e) => events.push(e.type), error: (e: Error) => events.push(`error:${e.message}`) });
    expect(events).toEqual(['utterance:start', 'audio:chunk', 'error:boom']);
  });

  it('refuses a chunk at another sample rate than the one announced', async () => {
    const wrong = { kind: 'audio' as const, pcm: new Uint8Array(2), sampleRateHz: 2000 };
    await expect(lastValueFrom(of(wrong).pipe(timeline(utterance, 1000)))).rejects.toThrow(/sample rate/);
  });
});

describe('timeline (marbles)', () => {
  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

  it('emits the start at subscription, each output when the engine sends it, the end when it completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const engine$ = cold<SynthesisOutput>('--a-c--b|', { a: pcm(100), c: { kind: 'cue', words: [{ text: 'hi', startMs: 0, endMs: 90 }], timing: 'engine' }, b: pcm(50) });
      const types$ = engine$.pipe(
        timeline(utterance, 1000, () => {}, () => 0),
        map((e) => (e.type === 'audio:chunk' ? `chunk@${e.data.offsetMs}` : e.type)),
      );
      expectObservable(types$).toBe('s-a-c--b(e|)', { s: 'utterance:start', a: 'chunk@0', c: 'cue', b: 'chunk@100', e: 'utterance:end' });
    });
  });

  it('an engine error ends the timeline without utterance:end; unsubscribing stops the engine', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing$ = cold<SynthesisOutput>('--a#', { a: pcm(10) });
      expectObservable(failing$.pipe(timeline(utterance, 1000, () => {}, () => 0), map((e) => e.type))).toBe('s-a#', { s: 'utterance:start', a: 'audio:chunk' });
      const endless$ = cold<SynthesisOutput>('--a--a--a', { a: pcm(10) });
      expectObservable(endless$.pipe(timeline(utterance, 1000, () => {}, () => 0), map((e) => e.type)), '^----!').toBe('s-a', { s: 'utterance:start', a: 'audio:chunk' });
      expectSubscriptions(endless$.subscriptions).toBe('^----!');
    });
  });
});
