import { concat, delay, lastValueFrom, map, NEVER, Observable, of, tap, throwError, timer, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { TtsEngine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { SynthesisOutput } from '../types.ts';
import { fakeEngine } from '../../../../test/support/fake-engine.ts';
import { chainOf, createEngineChain } from './engine-chain.ts';
import { createInMemoryEngineMetrics } from './in-memory-engine-metrics.ts';

const audio = (samples: number[], sampleRateHz = 16_000): SynthesisOutput => ({
  kind: 'audio',
  pcm: new Uint8Array(Int16Array.from(samples).buffer),
  sampleRateHz,
});
const cue: SynthesisOutput = { kind: 'cue', words: [{ text: 'hi', startMs: 0, endMs: 10 }], timing: 'engine' };

function stub(name: string, synthesize$: () => Observable<SynthesisOutput>, options: { healthy?: boolean; sampleRateHz?: number } = {}) {
  let subscriptions = 0;
  let unsubscriptions = 0;
  return fakeEngine({
    name,
    sampleRateHz: options.sampleRateHz ?? 16_000,
    synthesize: () =>
      new Observable<SynthesisOutput>((subscriber) => {
        subscriptions += 1;
        const inner = synthesize$().subscribe(subscriber);
        return () => {
          unsubscriptions += 1;
          inner.unsubscribe();
        };
      }),
    healthy: () => options.healthy ?? true,
    subscriptions: () => subscriptions,
    unsubscriptions: () => unsubscriptions,
  });
}

const speak = (engine: TtsEngine, id = 'r1') => lastValueFrom(engine.synthesize({ id, text: 'hi' }).pipe(toArray()));

describe('createEngineChain', () => {
  it('uses the first engine when it speaks within its budget', async () => {
    const first = stub('cloud', () => of(audio([1]), cue));
    const chain = createEngineChain([first, stub('local', () => of(audio([9])))], { firstPacketBudgetMs: 100 });
    expect(await speak(chain)).toEqual([audio([1]), cue]);
    expect(chain.spokenBy('r1')).toBe('cloud');
    expect(chain.stats()).toEqual({ spokenBy: { cloud: 1 }, failovers: {} });
  });

  it('switches when the first engine misses its first-packet budget, cancelling it, and reports who spoke', async () => {
    const metrics = createInMemoryEngineMetrics();
    const spoken: unknown[] = [];
    const slow = stub('cloud', () => concat(of(cue), timer(500).pipe(map(() => audio([1])))));
    const chain = createEngineChain([slow, stub('local', () => of(audio([9]), cue))], {
      firstPacketBudgetMs: 30,
      metrics,
      onSpokenBy: (event) => spoken.push(event),
    });
    const startedMs = performance.now();
    expect(await speak(chain)).toEqual([audio([9]), cue]);
    expect(performance.now() - startedMs).toBeLessThan(400);
    expect(slow.unsubscriptions()).toBe(1);
    expect(chain.spokenBy('r1')).toBe('local');
    expect(spoken).toEqual([{ requestId: 'r1', engine: 'local', passedOver: ['cloud'] }]);
    expect(chain.stats().failovers).toEqual({ first_packet_budget: 1 });
    expect(metrics.failovers).toEqual({ 'cloud->local': 1 });
  });

  it('switches when the first engine fails before audio', async () => {
    const failing = stub('cloud', () => throwError(() => new EngineError('deadline_exceeded', 'late', true)));
    const chain = createEngineChain([failing, stub('local', () => of(audio([9])))], { firstPacketBudgetMs: 100 });
    expect(await speak(chain)).toEqual([audio([9])]);
    expect(chain.stats().failovers).toEqual({ deadline_exceeded: 1 });
  });

  it('skips an engine whose circuit is open; one that fails after audio without cues is followed from the start of the text', async () => {
    const open = stub('cloud', () => of(audio([1])), { healthy: false });
    const midway = stub('selfhost', () => concat(of(audio([2])), throwError(() => new EngineError('upstream_dropped', 'gone', true))));
    const last = stub('local', () => of(audio([3])));
    const chain = createEngineChain([open, midway, last], { firstPacketBudgetMs: 100 });
    expect(await speak(chain)).toEqual([audio([2]), audio([3])]);
    expect(open.subscriptions()).toBe(0);
    expect(chain.spokenBy('r1')).toBe('local');
    expect(chain.switchesOf('r1')).toEqual([{ from: 'selfhost', to: 'local', atSentence: 0 }]);
    expect(chain.stats()).toEqual({ spokenBy: { selfhost: 1, local: 1 }, failovers: { unhealthy: 1, 'mid_readout:upstream_dropped': 1 } });
  });

  it('gives the last engine no budget, and fails with a typed reason when nothing can speak', async () => {
    const chain = createEngineChain([stub('a', () => of(audio([1])).pipe(delay(60)))], { firstPacketBudgetMs: 10 });
    expect(await speak(chain)).toEqual([audio([1])]);
    const dead = createEngineChain([stub('a', () => NEVER, { healthy: false }), stub('b', () => NEVER, { healthy: false })], { firstPacketBudgetMs: 10 });
    await expect(speak(dead)).rejects.toMatchObject({ code: 'no_engine', retryable: false });
    expect(dead.healthy()).toBe(false);
    expect(dead.healthReason()).toBe('a: a is unhealthy; b: b is unhealthy');
    expect(dead.statuses()).toEqual([
      { name: 'a', healthy: false, reason: 'a is unhealthy' },
      { name: 'b', healthy: false, reason: 'b is unhealthy' },
    ]);
  });

  it('needs a first-packet budget for two or more engines', () => {
    expect(() => createEngineChain([stub('a', () => NEVER), stub('b', () => NEVER)])).toThrow(/budget/);
  });

  it('lists what any of its engines applies and knows', () => {
    const chain = createEngineChain(
      [fakeEngine({ name: 'a', speechParams: ['rate'], voices: () => ['x'] }), fakeEngine({ name: 'b', speechParams: ['rate', 'pitch'], voices: () => ['x', 'y'] })],
      { firstPacketBudgetMs: 10 },
    );
    expect(chain.speechParams).toEqual(['rate', 'pitch']);
    expect(chain.voices()).toEqual(['x', 'y']);
  });
  it("resamples a fallback engine's audio to the chain's rate", async () => {
    const chain = createEngineChain(
      [stub('cloud', () => throwError(() => new EngineError('x', 'x', true))), stub('local', () => of(audio([0, 100, 200], 8000)), { sampleRateHz: 8000 })],
      { firstPacketBudgetMs: 100 },
    );
    const [out] = await speak(chain);
    expect(out).toMatchObject({ kind: 'audio', sampleRateHz: 16_000 });
    expect([...new Int16Array((out as { pcm: Uint8Array }).pcm.slice().buffer)]).toEqual([0, 50, 100, 150]);
  });
});

describe('chainOf (a chain of one)', () => {
  const slowOutputs = [cue, audio([1]), cue];

  it('is its engine: same name, rate, params, voices, outputs in the same order, and no budget failing a slow engine', async () => {
    const bare = stub('slow', () => concat(of(cue), timer(80).pipe(map(() => audio([1]))), of(cue)));
    const chain = chainOf(fakeEngine({ ...bare, speechParams: ['pitch'], voices: () => ['v'] }));
    expect([chain.name, chain.sampleRateHz, chain.speechParams, chain.voices(), chain.engines.length]).toEqual(['slow', 16_000, ['pitch'], ['v'], 1]);
    expect(await speak(bare)).toEqual(slowOutputs);
    expect(await speak(chain)).toEqual(slowOutputs);
    expect(chain.spokenBy('r1')).toBe('slow');
    expect(chain.stats()).toEqual({ spokenBy: { slow: 1 }, failovers: {} });
  });

  it("passes its engine's errors through unchanged, before and after audio", async () => {
    const refusal = new EngineError('engine_closed', 'slow is closed', false);
    const dropped = new EngineError('upstream_dropped', 'gone', true);
    await expect(speak(chainOf(stub('a', () => throwError(() => refusal))))).rejects.toBe(refusal);
    await expect(speak(chainOf(stub('a', () => concat(of(audio([1])), throwError(() => dropped)))))).rejects.toBe(dropped);
  });

  it("asks an unhealthy engine anyway and reports the engine's own health", async () => {
    let healthy = false;
    const refusal = new EngineError('circuit_open', 'every endpoint is open', true);
    const engine = stub('a', () => throwError(() => refusal), { healthy: false });
    const chain = chainOf(fakeEngine({ ...engine, healthy: () => healthy, healthReason: () => (healthy ? undefined : 'the circuit is open') }));
    await expect(speak(chain)).rejects.toBe(refusal);
    expect([chain.healthy(), chain.healthReason()]).toEqual([false, 'the circuit is open']);
    expect(chain.statuses()).toEqual([{ name: 'a', healthy: false, reason: 'the circuit is open' }]);
    healthy = true;
    expect([chain.healthy(), chain.healthReason()]).toEqual([true, undefined]);
  });
});

describe('createEngineChain: an engine failing mid-readout', () => {
  const text = 'One two. Three four. Five.';
  const dropped = new EngineError('upstream_dropped', 'the stream was cut', true);
  const samples = (count: number, rateHz = 16_000) => audio(new Array<number>(count).fill(7), rateHz);
  const words = (...list: [string, number, number][]): SynthesisOutput => ({
    kind: 'cue',
    words: list.map(([text, startMs, endMs]) => ({ text, startMs, endMs })),
    timing: 'engine',
  });
  /** Sentence 1 (100 ms) with its cue, then half of sentence 2 with a cue sent ahead of its audio, then the cut. */
  const dying = () =>
    stub('selfhost', () => concat(of(samples(1600), words(['One', 0, 40], ['two', 50, 100]), words(['Three', 100, 140], ['four', 150, 200]), samples(800)), throwError(() => dropped)));
  /** Remembers the text it was asked for; speaks it at `rateHz`, 100 ms per sentence, with cues. */
  function recorder(name: string, rateHz: number, options: { firstPacketDelayMs?: number } = {}) {
    const texts: string[] = [];
    const engine = fakeEngine({
      name,
      sampleRateHz: rateHz,
      synthesize: (request) => {
        texts.push(request.text);
        const perSentence = rateHz / 10;
        return concat(
          timer(options.firstPacketDelayMs ?? 0).pipe(map(() => samples(perSentence, rateHz))),
          of(words(['Three', 0, 40], ['four', 50, 100]), samples(perSentence, rateHz), words(['Five', 100, 150])),
        );
      },
    });
    return { engine, texts };
  }
  const audioMs = (outputs: SynthesisOutput[]) =>
    outputs.reduce((ms, o) => (o.kind === 'audio' ? ms + o.pcm.byteLength / 2 / (o.sampleRateHz / 1000) : ms), 0);
  const cueWords = (outputs: SynthesisOutput[]) => outputs.flatMap((o) => (o.kind === 'cue' ? o.words.map((w) => [w.text, w.startMs, w.endMs]) : []));

  it('asks the next engine for the text from the first sentence not heard, on one clock, resampled to the chain rate', async () => {
    const next = recorder('embedded', 8000);
    const metrics = createInMemoryEngineMetrics();
    const chain = createEngineChain([dying(), next.engine], { firstPacketBudgetMs: 100, metrics });
    const outputs = await lastValueFrom(chain.synthesize({ id: 'r1', text }).pipe(toArray()));
    expect(next.texts).toEqual(['Three four. Five.']);
    expect(outputs.every((o) => o.kind !== 'audio' || o.sampleRateHz === 16_000)).toBe(true);
    // 150 ms of the first engine, then 200 ms of the next one at 16 kHz: one continuous clock.
    expect(audioMs(outputs)).toBeCloseTo(350, 0);
    expect(cueWords(outputs)).toEqual([
      ['One', 0, 40],
      ['two', 50, 100],
      // The part of sentence 2 heard from the first engine; its word not yet heard was never sent.
      ['Three', 100, 140],
      ['Three', 150, 190],
      ['four', 200, 250],
      ['Five', 250, 300],
    ]);
    expect(chain.spokenBy('r1')).toBe('embedded');
    expect(chain.switchesOf('r1')).toEqual([{ from: 'selfhost', to: 'embedded', atSentence: 1 }]);
    expect(chain.stats()).toEqual({ spokenBy: { selfhost: 1, embedded: 1 }, failovers: { 'mid_readout:upstream_dropped': 1 } });
    expect(metrics.failovers).toEqual({ 'selfhost->embedded': 1 });
  });

  it('gives the continuation the first-packet budget: an engine too slow to continue is passed over', async () => {
    const slow = recorder('cloud', 16_000, { firstPacketDelayMs: 1000 });
    const last = recorder('embedded', 16_000);
    const chain = createEngineChain([dying(), slow.engine, last.engine], { firstPacketBudgetMs: 30 });
    const startedMs = performance.now();
    const outputs = await lastValueFrom(chain.synthesize({ id: 'r1', text }).pipe(toArray()));
    expect(performance.now() - startedMs).toBeLessThan(800);
    expect([slow.texts, last.texts]).toEqual([['Three four. Five.'], ['Three four. Five.']]);
    expect(audioMs(outputs)).toBeCloseTo(350, 0);
    expect(chain.switchesOf('r1')).toEqual([{ from: 'selfhost', to: 'embedded', atSentence: 1 }]);
    expect(chain.stats().failovers).toEqual({ 'mid_readout:upstream_dropped': 1, first_packet_budget: 1 });
  });

  it('ends with the error when no engine can continue', async () => {
    let healthy = true; // healthy when the readout starts…
    const next = stub('embedded', () => of(samples(1600)));
    const chain = createEngineChain([dying(), fakeEngine({ ...next, healthy: () => healthy })], { firstPacketBudgetMs: 100 });
    const result = lastValueFrom(chain.synthesize({ id: 'r1', text }).pipe(tap(() => (healthy = false)))); // …and down when the first engine fails
    await expect(result).rejects.toBe(dropped);
    expect(next.subscriptions()).toBe(0);

    const failing = new EngineError('engine_failed', 'the continuation failed too', false);
    const chain2 = createEngineChain([dying(), stub('embedded', () => throwError(() => failing))], { firstPacketBudgetMs: 100 });
    await expect(lastValueFrom(chain2.synthesize({ id: 'r2', text }))).rejects.toBe(failing);
    expect(chain2.switchesOf('r2')).toEqual([]);
    expect(chain2.spokenBy('r2')).toBe('selfhost');
  });

  it('finishes without the next engine when every sentence was heard before the failure', async () => {
    const next = recorder('embedded', 16_000);
    const complete = stub('selfhost', () => concat(of(samples(1600), words(['One', 0, 40], ['two', 50, 100])), throwError(() => dropped)));
    const chain = createEngineChain([complete, next.engine], { firstPacketBudgetMs: 100 });
    const outputs = await lastValueFrom(chain.synthesize({ id: 'r1', text: 'One two.' }).pipe(toArray()));
    expect(audioMs(outputs)).toBeCloseTo(100, 0);
    expect(next.texts).toEqual([]);
  });
});
