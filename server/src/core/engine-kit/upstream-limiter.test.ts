import { describe, expect, it } from 'vitest';
import { SynthesisCancelledError, UpstreamQueueFullError } from './resilience-errors.ts';
import { createLocalUpstreamLimiter } from './upstream-limiter.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('local upstream limiter', () => {
  it('uses 80% of each quota, at least one concurrent slot', () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: 3, maxConcurrency: 3 });
    expect(limiter.ratePerS).toBeCloseTo(2.4);
    expect(limiter.concurrency).toBe(2);
    expect(createLocalUpstreamLimiter({ tasksPerS: 3, maxConcurrency: 10 }).concurrency).toBe(8);
    expect(createLocalUpstreamLimiter({ tasksPerS: 3, maxConcurrency: 1 }).concurrency).toBe(1);
  });

  it('caps concurrency; waiters are served first in, first out as slots free', async () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: 1000, maxConcurrency: 2, utilization: 1 });
    const order: string[] = [];
    const a = await limiter.acquire();
    await limiter.acquire();
    const c = limiter.acquire().then((release) => (order.push('c'), release));
    const d = limiter.acquire().then((release) => (order.push('d'), release));
    await tick();
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 2, waiting: 2 });
    a();
    a(); // idempotent
    await c;
    await tick();
    expect(order).toEqual(['c']);
    (await c)();
    await d;
    expect(order).toEqual(['c', 'd']);
  });

  it('paces submissions at the token rate', async () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: 50, maxConcurrency: 10, utilization: 1 });
    const startedMs = performance.now();
    const grants = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire().then(() => performance.now() - startedMs)));
    expect(grants[3]!).toBeGreaterThanOrEqual(3 * 20 - 2);
  });

  it('rejects beyond its bounded wait queue, and on abort without taking a slot', async () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: 1000, maxConcurrency: 1, utilization: 1, maxWaiting: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    await expect(limiter.acquire()).rejects.toBeInstanceOf(UpstreamQueueFullError);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(SynthesisCancelledError);
    expect(limiter.waiting).toBe(0);
  });
});

describe('local upstream limiter: spare grants (pre-started tasks)', () => {
  const spare = (answer = true) => {
    const work = { asked: 0, giveWay: () => (work.asked += 1, answer) };
    return work;
  };

  it('gives a spare grant only while no readout waits, behind every readout', async () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: 1000, maxConcurrency: 1, utilization: 1 });
    const order: string[] = [];
    const held = await limiter.acquire();
    const readout = limiter.acquire().then((release) => (order.push('readout'), release));
    const warm = limiter.acquireSpare(spare()).then((release) => (order.push('spare'), release));
    await tick();
    held();
    (await readout)();
    (await warm)();
    expect(order).toEqual(['readout', 'spare']);
  });

  it('a readout that no free slot serves makes one spare grant give way; a free slot or a spare already giving way asks none', async () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: 1000, maxConcurrency: 3, utilization: 1 });
    const [first, second] = [spare(), spare()];
    const releaseFirst = await limiter.acquireSpare(first);
    await limiter.acquireSpare(second);
    await limiter.acquire(); // a free slot: nobody waits, nobody is asked
    expect(first.asked + second.asked).toBe(0);
    const waiting = limiter.acquire();
    await tick();
    expect([first.asked, second.asked]).toEqual([0, 1]); // the newest first
    const another = limiter.acquire();
    await tick();
    expect([first.asked, second.asked]).toEqual([1, 1]);
    releaseFirst();
    await waiting;
    expect([first.asked, second.asked]).toEqual([1, 1]); // the slot on its way still counts: nobody asked twice
    void another;
  });

  it('a spare grant that is no longer spare (a readout took it) says so, and the next one is asked', async () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: 1000, maxConcurrency: 2, utilization: 1 });
    const [idle, taken] = [spare(true), spare(false)];
    const releaseIdle = await limiter.acquireSpare(idle);
    await limiter.acquireSpare(taken);
    const waiting = limiter.acquire();
    await tick();
    expect([taken.asked, idle.asked]).toEqual([1, 1]); // the newest first, then the next
    releaseIdle();
    await waiting;
  });
});
