import { lastValueFrom, map, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { SynthesisOutput } from '../core/types.ts';
import { gainOf, scalePcm16, withGain } from './gain.ts';

const pcm = (...samples: number[]) => new Uint8Array(Int16Array.from(samples).buffer);
const samples = (bytes: Uint8Array) => Array.from(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));

describe('scalePcm16', () => {
  it('scales samples, saturating at the int16 range, without touching the input', () => {
    const input = pcm(1000, -1000, 20000, -20000);
    expect(samples(scalePcm16(input, gainOf(50)))).toEqual([500, -500, 10000, -10000]);
    expect(samples(scalePcm16(input, gainOf(200)))).toEqual([2000, -2000, 32767, -32768]);
    expect(samples(input)).toEqual([1000, -1000, 20000, -20000]);
  });

  it('returns the same buffer at gain 1, silence at 0, and reads unaligned views', () => {
    const input = pcm(123, 456);
    expect(scalePcm16(input, 1)).toBe(input);
    expect(samples(scalePcm16(input, gainOf(0)))).toEqual([0, 0]);
    const unaligned = new Uint8Array(5);
    unaligned.set(pcm(300, -300), 1);
    expect(samples(scalePcm16(unaligned.subarray(1), 0.5))).toEqual([150, -150]);
  });
});

describe('withGain', () => {
  it('scales audio chunks and passes cues through', async () => {
    const cue: SynthesisOutput = { kind: 'cue', words: [{ text: 'hi', startMs: 0, endMs: 10 }], timing: 'engine' };
    const audio: SynthesisOutput = { kind: 'audio', pcm: pcm(100, -100), sampleRateHz: 16000 };
    const out = await lastValueFrom(of(audio, cue).pipe(withGain(2), toArray()));
    expect(out[0]!.kind === 'audio' && samples(out[0]!.pcm)).toEqual([200, -200]);
    expect(out[1]).toBe(cue);
  });
});

describe('withGain (marbles)', () => {
  it('passes each output on in the same frame, scaling audio only, and completes with the source', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
      const cue: SynthesisOutput = { kind: 'cue', words: [{ text: 'hi', startMs: 0, endMs: 10 }], timing: 'engine' };
      const source$ = cold<SynthesisOutput>('-a-c-a|', { a: { kind: 'audio', pcm: pcm(1000), sampleRateHz: 16000 }, c: cue });
      const seen$ = source$.pipe(
        withGain(gainOf(50)),
        map((o) => (o.kind === 'audio' ? samples(o.pcm)[0] : o)),
      );
      expectObservable(seen$).toBe('-a-c-a|', { a: 500, c: cue });
    });
  });
});
