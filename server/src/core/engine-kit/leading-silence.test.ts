import { from, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { SynthesisOutput, WordCue } from '../types.ts';
import { firstAudibleSample, shiftCue, trimLeadingSilence } from './leading-silence.ts';

/** 1 kHz: one sample is one ms, so sample counts read as ms in the marbles. */
const RATE_HZ = 1000;
const pcm = (...samples: number[]) => new Uint8Array(Int16Array.from(samples).buffer);
const audio = (...samples: number[]): SynthesisOutput => ({ kind: 'audio', pcm: pcm(...samples), sampleRateHz: RATE_HZ });
const cue = (text: string, startMs: number, endMs: number): WordCue => ({ kind: 'cue', words: [{ text, startMs, endMs }], timing: 'engine' });
const zeros = (n: number) => new Array<number>(n).fill(0);

/** Audio as its samples, cues as "text@start-end", so the marbles compare values. */
const show = map((o: SynthesisOutput) =>
  o.kind === 'audio' ? Array.from(new Int16Array(o.pcm.slice().buffer)) : o.words.map((w) => `${w.text}@${w.startMs}-${w.endMs}`).join(' '),
);

const marbles = (run: (h: Parameters<Parameters<TestScheduler['run']>[0]>[0]) => void) =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(run);

describe('firstAudibleSample', () => {
  it('finds the first sample louder than the threshold, either sign, on an unaligned view', () => {
    expect(firstAudibleSample(pcm(0, 32, -32, -33, 500), 32)).toBe(3);
    expect(firstAudibleSample(pcm(0, 10, 33), 32)).toBe(2);
    expect(firstAudibleSample(pcm(0, 0), 32)).toBe(-1);
    const unaligned = new Uint8Array(7);
    unaligned.set(pcm(0, 0, 900), 1);
    expect(firstAudibleSample(unaligned.subarray(1), 32)).toBe(2);
  });

  it('shiftCue moves words earlier and clamps at 0', () => {
    expect(shiftCue(cue('a', 5, 20), 10).words).toEqual([{ text: 'a', startMs: 0, endMs: 10 }]);
    const same = cue('b', 1, 2);
    expect(shiftCue(same, 0)).toBe(same);
  });
});

describe('trimLeadingSilence (marbles)', () => {
  it('drops silent chunks, cuts the first audible one at its first loud sample and shifts cues by the trim', () => {
    marbles(({ cold, expectObservable }) => {
      // 3 + 2 silent samples, then speech: 5 ms trimmed; a cue held while deciding and one after.
      const source$ = cold<SynthesisOutput>('-a-c-b-----d-e|', {
        a: audio(0, 0, 0),
        c: cue('hi', 0, 9),
        b: audio(0, 12, 1000, 0, -800),
        d: cue('there', 9, 14),
        e: audio(7, 7),
      });
      expectObservable(source$.pipe(trimLeadingSilence({ maxTrimMs: 300 }), show)).toBe('-----(cb)--d-e|', {
        c: 'hi@0-4',
        b: [1000, 0, -800],
        d: 'there@4-9',
        e: [7, 7],
      });
    });
  });

  it('passes audio that starts loud unchanged, in the same frames', () => {
    marbles(({ cold, expectObservable }) => {
      const source$ = cold<SynthesisOutput>('-a-c|', { a: audio(400, 0), c: cue('x', 0, 2) });
      expectObservable(source$.pipe(trimLeadingSilence(), show)).toBe('-a-c|', { a: [400, 0], c: 'x@0-2' });
    });
  });

  it('never trims more than maxTrimMs: a longer silence keeps what lies past the bound', () => {
    const trims: number[] = [];
    marbles(({ cold, expectObservable }) => {
      const source$ = cold<SynthesisOutput>('-a-b-c|', { a: audio(...zeros(4)), b: audio(...zeros(4)), c: audio(0, 0, 900) });
      // 4 ms bound: the second chunk is cut at its 0th sample (4 held), all of it and the rest pass.
      const trimmed$ = source$.pipe(trimLeadingSilence({ maxTrimMs: 4, onTrim: (ms) => trims.push(ms) }), show);
      expectObservable(trimmed$).toBe('---b-c|', { b: zeros(4), c: [0, 0, 900] });
    });
    expect(trims).toEqual([4]);
  });

  it('cuts inside a chunk when the bound falls in it', () => {
    marbles(({ cold, expectObservable }) => {
      const source$ = cold<SynthesisOutput>('-a|', { a: audio(0, 0, 0, 0, 0, 600) });
      expectObservable(source$.pipe(trimLeadingSilence({ maxTrimMs: 3 }), show)).toBe('-a|', { a: [0, 0, 600] });
    });
  });

  it('passes an output that ends silent untouched, when it completes', () => {
    marbles(({ cold, expectObservable }) => {
      const source$ = cold<SynthesisOutput>('-a-c-a|', { a: audio(0, 0), c: cue('uh', 0, 4) });
      expectObservable(source$.pipe(trimLeadingSilence(), show)).toBe('------(aca|)', { a: [0, 0], c: 'uh@0-4' });
    });
  });

  it('treats samples at the threshold as silence and uses a custom threshold', () => {
    marbles(({ cold, expectObservable }) => {
      const source$ = cold<SynthesisOutput>('-a|', { a: audio(100, -100, 101) });
      expectObservable(source$.pipe(trimLeadingSilence({ thresholdSample: 100 }), show)).toBe('-a|', { a: [101] });
    });
  });

  it('passes errors on, dropping nothing decided', () => {
    marbles(({ cold, expectObservable }) => {
      const source$ = cold<SynthesisOutput>('-a-b-#', { a: audio(0), b: audio(0, 50) });
      expectObservable(source$.pipe(trimLeadingSilence(), show)).toBe('---b-#', { b: [50] });
    });
  });

  it('gives up trimming (passes everything held, in order) past 256 cues held', () => {
    const source: SynthesisOutput[] = [audio(0, 0), ...Array.from({ length: 257 }, (_, i) => cue(`w${i}`, i, i + 1)), audio(0, 900)];
    const outputs: SynthesisOutput[] = [];
    let completed = false;
    from(source)
      .pipe(trimLeadingSilence())
      .subscribe({ next: (o) => outputs.push(o), complete: () => (completed = true) });
    expect(completed).toBe(true);
    expect(outputs).toEqual(source);
  });
});
