import { map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { AudioChunk, SynthesisOutput } from '../core/types.ts';
import { rechunk } from './rechunk.ts';

/** `ms` of audio at 1 kHz (one sample per ms), every sample's low byte = `fill`. */
const pcm = (ms: number, fill = 0, sampleRateHz = 1000): AudioChunk => ({ kind: 'audio', pcm: new Uint8Array(ms * 2).fill(fill), sampleRateHz });
const cue: SynthesisOutput = { kind: 'cue', words: [{ text: 'hi', startMs: 0, endMs: 90 }], timing: 'engine' };
const label = (o: SynthesisOutput) => (o.kind === 'cue' ? 'cue' : `${o.pcm.byteLength / 2}@${o.sampleRateHz}`);

describe('rechunk (marbles)', () => {
  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const run = (engine$: Observable<SynthesisOutput>, s: SchedulerLikeOf) =>
    engine$.pipe(rechunk({ targetMs: 300, underrunMarginMs: 50, scheduler: s }), map(label));
  type SchedulerLikeOf = TestScheduler;

  it('sends the first chunk at once, then fills chunks to the target, and the rest at the end', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      // 100 ms blocks every 10 ms (faster than real time): b+c+d reach 300 ms at 30 ms.
      const engine$ = cold<SynthesisOutput>('a 9ms b 9ms c 9ms d 9ms e|', { a: pcm(100), b: pcm(100), c: pcm(100), d: pcm(100), e: pcm(100) });
      expectObservable(run(engine$, s)).toBe('a 29ms x 10ms (e|)', { a: '100@1000', x: '300@1000', e: '100@1000' });
    });
  });

  it('sends what is buffered before the audio already sent runs out on the overlay', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      // After a (100 ms) left at 0 the overlay runs dry at 100: b goes at 100 - 50. After b,
      // 200 ms are out: c+d go at 150 although they are short of the target.
      const engine$ = cold<SynthesisOutput>('a 9ms b 49ms c 9ms d 329ms |', { a: pcm(100), b: pcm(100), c: pcm(100), d: pcm(100) });
      expectObservable(run(engine$, s)).toBe('a 49ms b 99ms y 249ms |', { a: '100@1000', b: '100@1000', y: '200@1000' });
    });
  });

  it('passes an engine slower than real time through chunk by chunk', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const engine$ = cold<SynthesisOutput>('a 199ms b 199ms c|', { a: pcm(100), b: pcm(100), c: pcm(100) });
      expectObservable(run(engine$, s)).toBe('a 199ms b 199ms c|', { a: '100@1000', b: '100@1000', c: '100@1000' });
    });
  });

  it('joins a tiny remainder to the audio before it instead of sending a one-sample event', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const engine$ = cold<SynthesisOutput>('abc|', { a: pcm(100), b: pcm(99), c: pcm(1) });
      expectObservable(run(engine$, s)).toBe('a--(r|)', { a: '100@1000', r: '100@1000' });
    });
  });

  it('lets cues through at once', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const engine$ = cold<SynthesisOutput>('a-b-c-|', { a: pcm(100), b: pcm(10), c: cue });
      expectObservable(run(engine$, s)).toBe('a---c-(b|)', { a: '100@1000', b: '10@1000', c: 'cue' });
    });
  });

  it('flushes before a change of sample rate', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const engine$ = cold<SynthesisOutput>('abcd|', { a: pcm(100), b: pcm(10), c: pcm(10), d: pcm(10, 0, 2000) });
      expectObservable(run(engine$, s)).toBe('a--x(y|)', { a: '100@1000', x: '20@1000', y: '10@2000' });
    });
  });

  it('flushes what it holds before an engine error; unsubscribing stops the engine and the timer', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing$ = cold<SynthesisOutput>('ab#', { a: pcm(100), b: pcm(10) });
      expectObservable(run(failing$, s)).toBe('a-(b#)', { a: '100@1000', b: '10@1000' });
      const endless$ = cold<SynthesisOutput>('ab 100ms b', { a: pcm(100), b: pcm(10) });
      expectObservable(run(endless$, s), '^ 9ms !').toBe('a', { a: '100@1000' });
      expectSubscriptions(endless$.subscriptions).toBe('^ 9ms !');
    });
  });
});

describe('rechunk', () => {
  it('keeps every byte in order (the audio clock stays exact)', () => {
    const out: AudioChunk[] = [];
    const s = new TestScheduler(() => {});
    s.run(({ cold, flush }) => {
      cold<SynthesisOutput>('abcd|', { a: pcm(5, 1), b: pcm(3, 2), c: pcm(2, 3), d: pcm(1, 4) })
        .pipe(rechunk({ targetMs: 4, underrunMarginMs: 0, scheduler: s }))
        .subscribe((o) => o.kind === 'audio' && out.push(o));
      flush();
    });
    expect(out.map((c) => Array.from(c.pcm))).toEqual([Array(10).fill(1), [...Array(6).fill(2), ...Array(4).fill(3)], Array(2).fill(4)]);
  });
});
