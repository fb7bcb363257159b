import { Observable, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { takenReadout } from '../../../test/support/readout.ts';
import type { SynthesisOutput, SynthesisRequest, Utterance } from '../core/types.ts';
import type { VoiceResolver } from '../core/voices.ts';
import { synthesisRequest, synthesize } from './synthesize.ts';

const utterance = (fields: Partial<Utterance> = {}) => takenReadout('u1', { text: 'hello', ...fields });

const audio = (n: number): SynthesisOutput => ({ kind: 'audio', pcm: new Uint8Array([n, 0]), sampleRateHz: 16_000 });

describe('synthesisRequest', () => {
  it("uses the readout's voice and language, else the default voice; rate and pitch from the defaults", () => {
    expect(synthesisRequest(utterance({ voice: 'v1', lang: 'en' }), { voice: 'dflt', rate: 1.5, pitch: 0.8, volumePercent: 50 })).toEqual({
      id: 'u1',
      text: 'hello',
      voice: 'v1',
      lang: 'en',
      rate: 1.5,
      pitch: 0.8,
    });
    expect(synthesisRequest(utterance(), { voice: 'dflt' })).toEqual({ id: 'u1', text: 'hello', voice: 'dflt' });
    expect(synthesisRequest(utterance(), {})).toEqual({ id: 'u1', text: 'hello' });
  });

  const CLONE = { id: 'v-1', engine: 'cosyvoice-selfhost', prompt: { wav: new Uint8Array([1]), text: 'sample' } };
  const voices: VoiceResolver = {
    resolve: (name) =>
      name === 'mine' || name === 'v-1' ? { kind: 'clone', name: 'mine', clone: CLONE } : name === 'preset' ? { kind: 'preset', name: 'preset' } : undefined,
  };

  it('resolves the voice: a library clone → clone, a preset → voice; a voice gone from the library → the default', () => {
    expect(synthesisRequest(utterance({ voice: 'mine' }), { voice: 'preset' }, voices)).toEqual({ id: 'u1', text: 'hello', clone: CLONE });
    expect(synthesisRequest(utterance({ voice: 'v-1' }), {}, voices)).toEqual({ id: 'u1', text: 'hello', clone: CLONE });
    expect(synthesisRequest(utterance({ voice: 'preset' }), { voice: 'mine' }, voices)).toEqual({ id: 'u1', text: 'hello', voice: 'preset' });
    expect(synthesisRequest(utterance({ voice: 'deleted' }), { voice: 'mine' }, voices)).toEqual({ id: 'u1', text: 'hello', clone: CLONE });
    expect(synthesisRequest(utterance({ voice: 'deleted' }), {}, voices)).toEqual({ id: 'u1', text: 'hello' });
  });

  it("passes the readout's instruction (the engine applies it if it can)", () => {
    expect(synthesisRequest(utterance({ instruct: '用开心的语气说' }), {})).toEqual({ id: 'u1', text: 'hello', instruct: '用开心的语气说' });
  });
});

describe('synthesize', () => {
  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

  it("emits the engine's output for the readout and completes with it", () => {
    const requests: SynthesisRequest[] = [];
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const engineOutput = cold('-a-b|', { a: audio(1), b: audio(2) });
      const engine = {
        synthesize: (r: SynthesisRequest) => {
          requests.push(r);
          return engineOutput;
        },
      };
      expectObservable(of(utterance()).pipe(synthesize(engine, { voice: 'x' }))).toBe('-a-b|', { a: audio(1), b: audio(2) });
      expectSubscriptions(engineOutput.subscriptions).toBe('^---!');
    });
    expect(requests).toEqual([{ id: 'u1', text: 'hello', voice: 'x' }]);
  });

  it('stops the synthesis at once when the readout is unsubscribed (skip, cancel)', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const engineOutput = cold('-a-b-c|', { a: audio(1), b: audio(2), c: audio(3) });
      const engine = { synthesize: () => engineOutput };
      expectObservable(of(utterance()).pipe(synthesize(engine, {})), '^--!').toBe('-a-', { a: audio(1) });
      expectSubscriptions(engineOutput.subscriptions).toBe('^--!');
    });
  });

  it("passes the engine's error on", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const failure = new Error('upstream closed');
      const engine = { synthesize: () => cold('-a#', { a: audio(1) }, failure) };
      expectObservable(of(utterance()).pipe(synthesize(engine, {}))).toBe('-a#', { a: audio(1) }, failure);
    });
  });

  it('does not start the engine before the readout is subscribed', () => {
    let started = 0;
    const engine = {
      synthesize: () =>
        new Observable<SynthesisOutput>((s) => {
          started += 1;
          s.complete();
        }),
    };
    const readout$ = of(utterance()).pipe(synthesize(engine, {}));
    expect(started).toBe(0);
    readout$.subscribe();
    expect(started).toBe(1);
  });
});
