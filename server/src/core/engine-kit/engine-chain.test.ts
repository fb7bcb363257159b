import { concat, delay, lastValueFrom, map, NEVER, Observable, of, throwError, timer, toArray } from 'rxjs';
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

  it('skips an engine whose circuit is open, and keeps an engine once it has spoken', async () => {
    const open = stub('cloud', () => of(audio([1])), { healthy: false });
    const midway = stub('selfhost', () => concat(of(audio([2])), throwError(() => new EngineError('upstream_dropped', 'gone', true))));
    const last = stub('local', () => of(audio([3])));
    const chain = createEngineChain([open, midway, last], { firstPacketBudgetMs: 100 });
    await expect(speak(chain)).rejects.toMatchObject({ code: 'upstream_dropped' });
    expect(open.subscriptions()).toBe(0);
    expect(last.subscriptions()).toBe(0);
    expect(chain.spokenBy('r1')).toBe('selfhost');
    expect(chain.stats().failovers).toEqual({ unhealthy: 1 });
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
