/**
 * Scale-out under a small quota: two relay processes on a real redis-server share
 * COSYVOICE_MAX_CONCURRENCY=2 (80% of it: one task slot for the whole cluster) with the
 * default pre-started task each, against the fake DashScope enforcing 3 tasks/s and 2
 * concurrent tasks (a pre-started task holds its slot from run-task on, as DashScope counts
 * it). Repeated bursts split across both processes, with idle gaps between them (in which
 * pre-started tasks come back), must each drain within a few times the ideal drain time: a
 * pre-started task anywhere in the cluster gives way to a readout waiting anywhere.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDashScope, type FakeDashScope } from '../fakes/dashscope/fake-dashscope-server.ts';
import { AckOverlay } from '../support/ack-overlay.ts';
import { newSecret, startChildRelay, type ChildRelay } from '../support/child-relay.ts';
import { startRedisServer, type RedisServer } from '../support/redis-server.ts';

const QUOTA = { tasksPerS: 3, maxConcurrency: 2 };
const BURSTS = 3;
const BURST_SIZE = 20;
/** Idle time between bursts: long enough for each process to pre-start its task again. */
const GAP_MS = 1500;
/** A burst drains from the token bucket at 80% of the rate (one token saved up): the ideal. */
const IDEAL_DRAIN_MS = ((BURST_SIZE - 1) / (QUOTA.tasksPerS * 0.8)) * 1000;
/** "A few times" the ideal: the bound each burst must drain within. */
const DRAIN_BOUND = 2;

let redis: RedisServer;
let fake: FakeDashScope;
const relays: ChildRelay[] = [];
const overlays: AckOverlay[] = [];

beforeAll(async () => {
  [redis, fake] = await Promise.all([startRedisServer(), startFakeDashScope({ ...QUOTA, rttMs: 10 })]);
});
afterAll(async () => {
  for (const o of overlays.splice(0)) o.disconnect();
  await Promise.all(relays.splice(0).map((r) => (r.running() ? r.kill('SIGKILL') : undefined)));
  await fake?.close();
  await redis?.stop();
});

/** Final states and reasons of the readouts `ids` on a relay, straight from its SQLite file. */
function rowsIn(dataDir: string, ids: readonly string[]): { state: string; reason: string | null }[] {
  const db = new Database(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    const byId = db.prepare('SELECT state, reason FROM utterances WHERE id = ?');
    return ids.map((id) => byId.get(id) as { state: string; reason: string | null } | undefined).filter((row) => row !== undefined);
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scale-out under a small shared quota', () => {
  it('bursts split across two processes drain within a few times the ideal time: pre-started tasks give way cluster-wide, 0 throttles', async () => {
    const [token, overlayKey] = [newSecret(), newSecret()];
    const env = {
      RELAY_REDIS_URL: redis.url,
      RELAY_DEDUPE_WINDOW_MS: '0',
      TTS_ENGINE: 'cosyvoice',
      COSYVOICE_API_KEY: fake.apiKey,
      COSYVOICE_URL: fake.url,
      COSYVOICE_SAMPLE_RATE_HZ: '16000',
      COSYVOICE_TASKS_PER_S: String(QUOTA.tasksPerS),
      COSYVOICE_MAX_CONCURRENCY: String(QUOTA.maxConcurrency),
    };
    const processes = await Promise.all([0, 1].map(() => startChildRelay({ token, overlayKey, env })));
    relays.push(...processes);
    for (const r of processes) {
      const overlay = new AckOverlay({ playbackMs: 20 });
      overlays.push(overlay);
      await overlay.connect(r.url, overlayKey);
    }

    const drainsMs: number[] = [];
    for (let burst = 0; burst < BURSTS; burst += 1) {
      await sleep(GAP_MS);
      // The set-up of the stall: the cluster's only slot is held by one process's idle pre-started task.
      expect(fake.stats.activeTasks, `burst ${burst}: tasks running upstream before it`).toBe(1);
      const startedMs = Date.now();
      const posted = await Promise.all(
        Array.from({ length: BURST_SIZE }, async (_, i) => {
          const relay = processes[i % 2]!;
          const res = await relay.post('/api/captions', { text: `第${burst}轮，第${i}句。Burst ${burst}, caption ${i}.` });
          expect(res.status).toBe(202);
          return { relay, id: ((await res.json()) as { id: string }).id };
        }),
      );
      const boundMs = DRAIN_BOUND * IDEAL_DRAIN_MS;
      const finished = () =>
        processes.flatMap((r) => rowsIn(r.dataDir, posted.filter((p) => p.relay === r).map((p) => p.id))).filter((row) => row.state === 'played' || row.state === 'dropped');
      while (finished().length < BURST_SIZE && Date.now() - startedMs < boundMs) await sleep(50);
      const drainMs = Date.now() - startedMs;
      drainsMs.push(drainMs);
      const rows = finished();
      const summary = `burst ${burst}: ${rows.length}/${BURST_SIZE} finished in ${drainMs} ms (ideal ${Math.round(IDEAL_DRAIN_MS)} ms), drains so far ${drainsMs.join(', ')} ms, upstream failures ${JSON.stringify(fake.stats.tasksFailed)}`;
      expect(rows.filter((row) => row.state === 'played'), summary).toHaveLength(BURST_SIZE);
    }
    // Not one throttle (nor an idle task timed out upstream), nothing expired or lost.
    expect(fake.stats.tasksFailed).toEqual({});
    expect(fake.stats.maxActiveTasks).toBeLessThanOrEqual(QUOTA.maxConcurrency);
    console.info(`scale-out quota: drains ${drainsMs.join(', ')} ms vs ideal ${Math.round(IDEAL_DRAIN_MS)} ms; run-tasks ${fake.stats.runTasks}, throttles 0`);
  }, 60_000);
});
