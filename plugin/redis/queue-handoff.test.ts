/** Queue handoff between relay processes, on a real redis-server and real SQLite queues. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { Subject } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../test/support/redis-server.ts';
import { silentLogger } from '../../server/src/core/logger.ts';
import { DurableQueue } from '../../server/src/queue/durable-queue.ts';
import { caption } from '../../server/src/queue/test-kit.ts';
import { startQueueHandoff, TAKEN_OVER_REASON, type QueueHandoff } from './queue-handoff.ts';

const LEASE_MS = 400;
let server: RedisServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await server?.stop();
});

async function client() {
  const c = createClient({ url: server.url, socket: { reconnectStrategy: false } });
  c.on('error', () => {});
  await c.connect();
  cleanups.push(() => (c.isOpen ? c.quit().then(() => {}) : undefined));
  return c;
}

/** One relay process's queue: its own data dir (kept across a "restart"). */
function processQueue(dataDir?: string) {
  if (!dataDir) {
    const dir = mkdtempSync(join(tmpdir(), 'cosy-handoff-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    dataDir = dir;
  }
  const queue = new DurableQueue({ dataDir, maxQueued: 100 });
  cleanups.push(() => {
    queue.close();
  });
  return { queue, dataDir };
}

interface Process {
  queue: DurableQueue;
  handoff: QueueHandoff;
  redis: Awaited<ReturnType<typeof client>>;
  endAcks$: Subject<string>;
  released: string[];
  adopted: number[];
  fenced: boolean[];
}

async function startProcess(queue: DurableQueue, ownerId: string, keyPrefix: string): Promise<Process> {
  const redis = await client();
  const endAcks$ = new Subject<string>();
  const released: string[] = [];
  const adopted: number[] = [];
  const fenced: boolean[] = [];
  const handoff = await startQueueHandoff({
    redis,
    ownerId,
    queue,
    endAcks$,
    release: (ids, reason) => {
      released.push(...ids);
      queue.dropIds(ids, reason);
    },
    leaseMs: LEASE_MS,
    log: silentLogger,
    onAdopted: (n) => adopted.push(n),
    onFenced: (f) => fenced.push(f),
    keyPrefix,
  });
  cleanups.push(() => handoff.stop().catch(() => {}));
  return { queue, handoff, redis, endAcks$, released, adopted, fenced };
}

/** A process that dies without a word: its Redis connection drops, its lease runs out. */
function crash(p: Process): void {
  void p.redis.disconnect();
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const texts = (queue: DurableQueue) => queue.pendingReadouts().map((r) => r.text);

describe('queue handoff (real redis-server)', () => {
  it('mirrors unfinished readouts into Redis and removes finished ones', async () => {
    const prefix = randomUUID();
    const { queue } = processQueue();
    const before = queue.enqueue(caption('accepted before start')).utterance;
    const p = await startProcess(queue, randomUUID(), prefix);
    const mirror = () => p.redis.hGetAll(`{${prefix}}:pending:${p.handoff.ownerId}`);
    expect(Object.keys(await mirror())).toEqual([before.id]);

    const after = queue.enqueue(caption('accepted after', { user: 'b', userId: 'u-b', paid: true, priority: 3 })).utterance;
    await waitUntil(async () => after.id in (await mirror()), 'the new readout to be mirrored');
    expect(JSON.parse((await mirror())[after.id]!)).toEqual(queue.pendingReadout(after.id));

    queue.takeNext();
    queue.skip(before.id);
    await waitUntil(async () => !(before.id in (await mirror())), 'the skipped readout to leave the mirror');
    expect(Object.keys(await mirror())).toEqual([after.id]);
  });

  it('a live process takes over a crashed one’s readouts; the crashed one drops them when it comes back', async () => {
    const prefix = randomUUID();
    const a = await startProcess(processQueue().queue, randomUUID(), prefix);
    const bQueue = processQueue();
    const bOwner = randomUUID();
    const b = await startProcess(bQueue.queue, bOwner, prefix);
    const ids = ['one', 'two', 'three'].map((text, i) => b.queue.enqueue(caption(text, { user: text, receivedAtMs: 1_000 + i })).utterance.id);
    b.queue.takeNext(); // 'one' was synthesizing when B died
    await waitUntil(async () => (await b.redis.hLen(`{${prefix}}:pending:${bOwner}`)) === 3, 'B’s mirror');
    expect(a.queue.pendingReadouts()).toEqual([]); // B is alive: nothing taken

    let fencedAtMs = Infinity;
    let takenAtMs = -Infinity;
    b.queue.changes$.subscribe(() => {}); // (B's queue is not touched again until its restart)
    a.queue.changes$.subscribe(() => (takenAtMs = Math.max(takenAtMs, Date.now())));
    const watchFence = setInterval(() => b.fenced.includes(true) && (fencedAtMs = Math.min(fencedAtMs, Date.now())), 1);
    crash(b);
    await waitUntil(() => a.queue.pendingReadouts().length === 3, 'A to take over B’s readouts', LEASE_MS * 10);
    clearInterval(watchFence);
    // B, cut off, held its readouts before A could take them over.
    expect(b.fenced).toEqual([true]);
    expect(fencedAtMs).toBeLessThan(takenAtMs);
    expect(a.fenced).toEqual([]);
    expect(texts(a.queue)).toEqual(['one', 'two', 'three']);
    expect(a.queue.pendingReadouts().map((r) => r.id)).toEqual(ids);
    expect(a.adopted).toEqual([3]);

    // B restarts on its data dir, same owner id: it drops what A took and keeps what it accepts next.
    b.queue.close();
    const restarted = processQueue(bQueue.dataDir).queue;
    restarted.recover();
    const back = await startProcess(restarted, bOwner, prefix);
    expect(back.released.sort()).toEqual([...ids].sort());
    expect(ids.map((id) => restarted.get(id)?.reason)).toEqual(ids.map(() => TAKEN_OVER_REASON));
    expect(restarted.pendingReadouts()).toEqual([]);
    // Taken over once only: A still has them, nobody takes them again.
    await new Promise((r) => setTimeout(r, LEASE_MS * 2));
    expect(a.queue.pendingReadouts().map((r) => r.id)).toEqual(ids);
  });

  it('a graceful stop hands the queue over at once; a readout an overlay already finished is noted as played', async () => {
    const prefix = randomUUID();
    const a = await startProcess(processQueue().queue, randomUUID(), prefix);
    const b = await startProcess(processQueue().queue, randomUUID(), prefix);
    const [heard, waiting] = ['heard', 'waiting'].map((text) => b.queue.enqueue(caption(text, { user: text })).utterance.id);
    await waitUntil(async () => (await b.redis.hLen(`{${prefix}}:pending:${b.handoff.ownerId}`)) === 2, 'B’s mirror');
    a.endAcks$.next(heard!); // an overlay acked its end; B died before recording it
    const stoppedAt = Date.now();
    await b.handoff.stop();
    await waitUntil(() => a.queue.get(waiting!) !== undefined, 'A to take over', LEASE_MS * 10);
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS * 3); // a beat, not a lease timeout
    expect(a.queue.get(heard!)).toMatchObject({ state: 'played', reason: 'played before the takeover' });
    expect(a.queue.get(waiting!)?.state).toBe('queued');
  });

  it('a readout an overlay finished leaves the mirror before it is recorded: a process killed right after cannot get it replayed', async () => {
    const prefix = randomUUID();
    const b = await startProcess(processQueue().queue, randomUUID(), prefix);
    const mirror = `{${prefix}}:pending:${b.handoff.ownerId}`;
    const [finished, waiting] = ['finished', 'waiting'].map((text) => b.queue.enqueue(caption(text, { user: text })).utterance.id);
    await waitUntil(async () => (await b.redis.hLen(mirror)) === 2, 'B’s mirror');
    expect(b.queue.takeNext()).toMatchObject({ id: finished });
    expect(b.queue.markPlaying(finished!, Date.now())).toBeDefined();

    // The overlay's playback:end, as start-relay applies it: the mirror first, then the queue.
    const removing = b.handoff.ending(finished!);
    expect(removing).toBeDefined();
    expect(b.handoff.ending(finished!)).toBe(removing); // a second overlay's ack waits for the same removal
    await removing;
    expect(b.queue.markPlayed(finished!)).toBeTruthy();
    // Killed at once: no batched mirror write after the commit gets out.
    crash(b);
    expect(Object.keys(await (await client()).hGetAll(mirror))).toEqual([waiting]);

    // A process started after the ack (it never saw it) takes over only what was not heard.
    const a = await startProcess(processQueue().queue, randomUUID(), prefix);
    await waitUntil(() => a.queue.get(waiting!) !== undefined, 'A to take over', LEASE_MS * 10);
    expect(a.queue.get(finished!)).toBeUndefined();
    expect(a.adopted).toEqual([1]);
    // Not one of this process's mirrored readouts (any more): nothing to wait for.
    expect(b.handoff.ending(finished!)).toBeUndefined();
    expect(a.handoff.ending('not-here')).toBeUndefined();
  });

  it('skips a mirrored readout it cannot read and takes the others', async () => {
    const prefix = randomUUID();
    const a = await startProcess(processQueue().queue, randomUUID(), prefix);
    const dead = randomUUID();
    const raw = await client();
    const good = { ...caption('fine'), id: randomUUID(), expiresAtMs: null };
    await raw.sAdd(`{${prefix}}:owners`, dead);
    await raw.hSet(`{${prefix}}:pending:${dead}`, { [good.id]: JSON.stringify(good), broken: '{"id":"broken","text":42}' });
    await waitUntil(() => a.queue.get(good.id) !== undefined, 'A to take the readable one', LEASE_MS * 10);
    expect(a.queue.pendingReadouts()).toEqual([good]);
    expect(await raw.sIsMember(`{${prefix}}:owners`, dead)).toBe(false);
  });
});
