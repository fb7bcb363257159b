/**
 * Scale-out on a real redis-server: two relay processes (each its own data dir, one shared
 * token/key), overlays attached to either, the upstream quota shared through Redis.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDashScope, type FakeDashScope } from '../fakes/dashscope/fake-dashscope-server.ts';
import { AckOverlay } from '../support/ack-overlay.ts';
import { newSecret, startChildRelay, type ChildRelay } from '../support/child-relay.ts';
import { startRedisServer, type RedisServer } from '../support/redis-server.ts';

let redis: RedisServer;
const relays: ChildRelay[] = [];
const overlays: AckOverlay[] = [];
const token = newSecret();
const overlayKey = newSecret();

beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  for (const o of overlays.splice(0)) o.disconnect();
  await Promise.all(relays.splice(0).map((r) => (r.running() ? r.kill('SIGKILL') : undefined)));
});
afterAll(async () => {
  await redis?.stop();
});

async function relay(env: Record<string, string> = {}, dataDir?: string): Promise<ChildRelay> {
  const r = await startChildRelay({ token, overlayKey, dataDir, env: { RELAY_REDIS_URL: redis.url, RELAY_DEDUPE_WINDOW_MS: '0', ...env } });
  relays.push(r);
  return r;
}

async function overlayOn(r: ChildRelay): Promise<AckOverlay> {
  const o = new AckOverlay();
  overlays.push(o);
  await o.connect(r.url, overlayKey);
  return o;
}

async function post(r: ChildRelay, text: string): Promise<string> {
  const res = await r.post('/api/captions', { text });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** Final states straight from a relay's SQLite file (all rows, not just the API's recent list). */
function statesIn(dataDir: string): Map<string, string> {
  const db = new Database(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    return new Map((db.prepare('SELECT id, state FROM utterances').all() as { id: string; state: string }[]).map((r) => [r.id, r.state]));
  } finally {
    db.close();
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scale-out with RELAY_REDIS_URL', () => {
  it('an overlay on process A hears a caption POSTed to process B, and its acks advance B’s queue', async () => {
    const a = await relay();
    const b = await relay();
    const overlay = await overlayOn(a);
    const id = await post(b, 'posted to B, heard through A');
    await waitUntil(() => overlay.acks.some((e) => e.id === id), 15_000, 'the overlay on A to play B’s readout');
    await waitUntil(() => statesIn(b.dataDir).get(id) === 'played', 10_000, 'B to record the readout as played');
    expect(overlay.starts.filter((e) => e.id === id)).toHaveLength(1);
  });

  describe('with the cloud engine', () => {
    let fake: FakeDashScope;
    beforeAll(async () => {
      fake = await startFakeDashScope({ tasksPerS: 3, maxConcurrency: 3 });
    });
    afterAll(async () => {
      await fake?.close();
    });

    it('a burst across both processes stays within the shared quota: no throttling upstream, nothing lost', async () => {
      const cloud = {
        TTS_ENGINE: 'cosyvoice',
        COSYVOICE_API_KEY: fake.apiKey,
        COSYVOICE_URL: fake.url,
        COSYVOICE_SAMPLE_RATE_HZ: '22050',
        COSYVOICE_TASKS_PER_S: '3',
        COSYVOICE_MAX_CONCURRENCY: '3',
        RELAY_MAX_IN_FLIGHT: '3',
      };
      const [a, b] = [await relay(cloud), await relay(cloud)];
      await overlayOn(a);
      await overlayOn(b);
      const burst = 15; // 5× the per-second quota, split over both processes
      const ids = await Promise.all(Array.from({ length: burst }, (_, i) => post(i % 2 ? a : b, `突发 ${i}，burst caption ${i}.`)));
      await waitUntil(
        () => ids.every((id) => statesIn(a.dataDir).get(id) === 'played' || statesIn(b.dataDir).get(id) === 'played'),
        40_000,
        'every burst readout to be played',
      );
      expect(fake.stats.tasksFailed).toEqual({});
      expect(fake.stats.maxActiveTasks).toBeLessThanOrEqual(3);
    }, 60_000);
  });

  it('killing one process loses nothing: its accepted readouts play once after it restarts', async () => {
    const a = await relay();
    const b = await relay();
    const overlay = await overlayOn(a);
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => post(b, `B readout ${i}`)));
    await waitUntil(() => overlay.acks.length >= 3, 15_000, 'some of B’s readouts to play');
    await b.kill('SIGKILL');
    const playedBeforeKill = [...statesIn(b.dataDir)].filter(([, state]) => state === 'played').map(([id]) => id);
    const startsBeforeRestart = overlay.starts.length;
    const restarted = await relay({}, b.dataDir);
    await waitUntil(() => ids.every((id) => statesIn(restarted.dataDir).get(id) === 'played'), 40_000, 'all of B’s readouts to be played');
    const startedAfterRestart = overlay.starts.slice(startsBeforeRestart).map((e) => e.id);
    expect(playedBeforeKill.length).toBeGreaterThan(0);
    for (const id of playedBeforeKill) expect(startedAfterRestart).not.toContain(id);
    for (const id of ids) expect(overlay.acks.some((e) => e.id === id), id).toBe(true);
  }, 60_000);
});
