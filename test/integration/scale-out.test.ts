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

/** Final states (and reasons) straight from a relay's SQLite file: all rows, not just the API's recent list. */
function rowsIn(dataDir: string): Map<string, { state: string; reason: string | null; text: string }> {
  const db = new Database(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT id, state, reason, text FROM utterances').all() as { id: string; state: string; reason: string | null; text: string }[];
    return new Map(rows.map(({ id, ...row }) => [id, row]));
  } finally {
    db.close();
  }
}

function statesIn(dataDir: string): Map<string, string> {
  return new Map([...rowsIn(dataDir)].map(([id, row]) => [id, row.state]));
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

  it('killing one process loses nothing: a live process takes its readouts over, and its restart does not replay them', async () => {
    const lease = { RELAY_REDIS_LEASE_MS: '600' };
    const a = await relay(lease);
    const b = await relay(lease);
    const overlay = await overlayOn(a);
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => post(b, `B readout ${i}`)));
    await waitUntil(() => overlay.acks.length >= 3, 15_000, 'some of B’s readouts to play');
    await b.kill('SIGKILL');
    const atKill = rowsIn(b.dataDir);
    const inFlightAtKill = ids.filter((id) => ['synthesizing', 'playing'].includes(atKill.get(id)!.state));
    const playedOnB = ids.filter((id) => atKill.get(id)!.state === 'played');
    expect(playedOnB.length).toBeGreaterThan(0);

    // B stays down: A takes over everything B had not finished once B's lease runs out.
    const takenOver = ids.filter((id) => !playedOnB.includes(id));
    await waitUntil(() => takenOver.every((id) => rowsIn(a.dataDir).get(id)?.state === 'played'), 30_000, 'A to play B’s unfinished readouts');
    for (const id of ids) {
      const acks = overlay.acks.filter((e) => e.id === id).length;
      // Heard once; only a readout cut off mid-play by the kill may start again.
      if (inFlightAtKill.includes(id)) expect(acks, id).toBeLessThanOrEqual(2);
      else expect(acks, id).toBe(1);
    }

    // B comes back on its data dir: what A took over is dropped there, not played a second time.
    const startsBeforeRestart = overlay.starts.length;
    const restarted = await relay(lease, b.dataDir);
    await waitUntil(
      () => takenOver.every((id) => rowsIn(restarted.dataDir).get(id)?.state === 'dropped'),
      10_000,
      'the restarted B to drop what A took over',
    );
    const onB = rowsIn(restarted.dataDir);
    for (const id of takenOver) expect(onB.get(id)?.reason).toBe('taken over by another relay process');
    const onA = rowsIn(a.dataDir);
    for (const id of ids) {
      const [onAId, onBId] = [onA.get(id), onB.get(id)];
      expect(onAId?.state === 'played' || onBId?.state === 'played', `${id} recorded as played`).toBe(true);
      // A readout B finished (its mirror not yet updated when it died) is at most noted by A, not played again.
      if (onBId?.state === 'played') expect(onAId === undefined || onAId.reason === 'played before the takeover', id).toBe(true);
    }
    const second = await post(restarted, 'B is back');
    await waitUntil(() => overlay.acks.some((e) => e.id === second), 15_000, 'the restarted B to play a new readout');
    const startedAfterRestart = overlay.starts.slice(startsBeforeRestart).map((e) => e.id);
    const [stateOnA, stateOnB] = [rowsIn(a.dataDir), rowsIn(restarted.dataDir)];
    // An id unknown to B is another process's readout A took over (its text says whose): e.g. an
    // earlier test's relay, SIGKILLed by afterEach, whose lease ran out during this test.
    const context = startedAfterRestart.map((id) => `${id} "${stateOnA.get(id)?.text ?? stateOnB.get(id)?.text}": A ${stateOnA.get(id)?.state}/${stateOnA.get(id)?.reason}, B ${stateOnB.get(id)?.state}/${stateOnB.get(id)?.reason}, cancels ${overlay.cancels.filter((c) => c.id === id).map((c) => c.reason).join('|')}`);
    expect(startedAfterRestart, context.join('\n')).toEqual([second]);
  }, 90_000);
});
