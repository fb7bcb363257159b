import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../test/support/redis-server.ts';
import { UpstreamQueueFullError } from '../../server/src/core/engine-kit/resilience-errors.ts';
import { createSharedUpstreamLimiter } from './shared-upstream-limiter.ts';

let server: RedisServer;
const clients: ReturnType<typeof createClient>[] = [];

async function client() {
  const c = createClient({ url: server.url });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => {})));
  await server?.stop();
});

describe('shared upstream limiter (real redis-server)', () => {
  it('keeps two processes together within 80% of the rate and concurrency quota under a 5x burst', async () => {
    const quota = { tasksPerS: 10, maxConcurrency: 5 }; // → 8 tasks/s and 4 at once, shared
    const keyPrefix = 'test:burst';
    const a = createSharedUpstreamLimiter({ redis: await client(), keyPrefix, ...quota });
    const b = createSharedUpstreamLimiter({ redis: await client(), keyPrefix, ...quota });
    let active = 0;
    let maxActive = 0;
    const grantsAtMs: number[] = [];
    const started = Date.now();
    const task = async (limiter: typeof a) => {
      const release = await limiter.acquire();
      grantsAtMs.push(Date.now() - started);
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 100));
      active -= 1;
      release();
    };
    const burst = 5 * quota.tasksPerS; // 50 tasks, half on each process
    await Promise.all(Array.from({ length: burst }, (_, i) => task(i % 2 ? a : b)));
    expect(grantsAtMs).toHaveLength(burst); // nothing lost
    expect(maxActive).toBeLessThanOrEqual(4);
    // Any 1 s window holds at most 8 grants (+1 for the saved-up token at the start).
    for (const t of grantsAtMs) expect(grantsAtMs.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(9);
  }, 20_000);

  it('reclaims the lease of a process that died without releasing', async () => {
    const keyPrefix = 'test:lease';
    const dying = await client();
    const victim = createSharedUpstreamLimiter({ redis: dying, keyPrefix, tasksPerS: 100, maxConcurrency: 1, utilization: 1, leaseTtlMs: 300 });
    await victim.acquire(); // never released
    await dying.disconnect(); // the process is gone: no renewals
    const survivor = createSharedUpstreamLimiter({ redis: await client(), keyPrefix, tasksPerS: 100, maxConcurrency: 1, utilization: 1, leaseTtlMs: 300 });
    const started = Date.now();
    const release = await survivor.acquire();
    const waitedMs = Date.now() - started;
    release();
    expect(waitedMs).toBeGreaterThanOrEqual(100); // it really had to wait for the expiry
    expect(waitedMs).toBeLessThan(3000);
  });

  it('bounds local waiters', async () => {
    const limiter = createSharedUpstreamLimiter({ redis: await client(), keyPrefix: 'test:bound', tasksPerS: 1, maxConcurrency: 1, maxWaiting: 1, utilization: 1 });
    const held = await limiter.acquire();
    const waiter = limiter.acquire();
    await expect(limiter.acquire()).rejects.toBeInstanceOf(UpstreamQueueFullError);
    held();
    (await waiter)();
  });
});

describe('shared upstream limiter: spare grants across processes', () => {
  const quota = { tasksPerS: 100, maxConcurrency: 1, utilization: 1, giveWayCheckMs: 50 };
  /** Spare work that releases its grant shortly after being asked (as a pre-started task closes its socket). */
  const spareWork = () => {
    const work = {
      asked: 0,
      release: undefined as (() => void) | undefined,
      giveWay: () => {
        work.asked += 1;
        setTimeout(() => work.release?.(), 10);
        return true;
      },
    };
    return work;
  };

  it('an idle spare grant in one process gives way to a readout waiting in another, and none is granted while it waits', async () => {
    const keyPrefix = 'test:spare';
    const a = createSharedUpstreamLimiter({ redis: await client(), keyPrefix, ...quota });
    const b = createSharedUpstreamLimiter({ redis: await client(), keyPrefix, ...quota });
    const warm = spareWork();
    warm.release = await a.acquireSpare(warm);
    const order: string[] = [];
    const started = Date.now();
    const readout = b.acquire().then((release) => (order.push('readout'), release));
    await new Promise((r) => setTimeout(r, 20));
    const next = spareWork();
    const nextSpare = a.acquireSpare(next).then((release) => (order.push('spare'), release));
    const release = await readout;
    const waitedMs = Date.now() - started;
    expect(warm.asked).toBe(1);
    expect(waitedMs).toBeLessThan(1000); // one give-way check and a release, not a lease's lifetime
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual(['readout']); // the slot is the readout's; the spare waits behind it
    release();
    (await nextSpare)();
    expect(order).toEqual(['readout', 'spare']);
  });

  it('only as many spare grants give way, across processes, as readouts wait beyond the free slots', async () => {
    const keyPrefix = 'test:spare-count';
    const options = { ...quota, maxConcurrency: 3 };
    const [a, b, c] = [await client(), await client(), await client()].map((redis) => createSharedUpstreamLimiter({ redis, keyPrefix, ...options }));
    const spares = [spareWork(), spareWork()];
    spares[0]!.release = await a!.acquireSpare(spares[0]!);
    spares[1]!.release = await b!.acquireSpare(spares[1]!);
    const held = await c!.acquire(); // the last free slot
    await new Promise((r) => setTimeout(r, 200)); // several checks in both processes
    expect(spares[0]!.asked + spares[1]!.asked).toBe(0); // a free slot served it: nobody gave way
    const release = await c!.acquire(); // now every slot is taken: one spare, in either process, gives way
    await new Promise((r) => setTimeout(r, 300));
    expect(spares[0]!.asked + spares[1]!.asked).toBe(1);
    for (const r of [held, release]) r();
  });
});
