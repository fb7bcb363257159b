/**
 * Durable queue admission and take rates with 10k readouts waiting (1,000 users, every
 * priority class), on disk (WAL, commits without an fsync on the event loop; the 202's fsync
 * is the group sync's, off it) against the same queue in memory (':memory:', no I/O) as the
 * baseline measured in the same run. The take latency percentiles are over all 10k takes,
 * each made with the rest still waiting; on disk the p99 is the WAL checkpoint (every ~1,000
 * pages written, with its two fsyncs) that some commit has to pay.
 *
 * The SQLite share of one streamer caption's life: enqueue (fsynced: its onDisk awaited, as
 * the 202 is), take, markPlaying, markPlayed, one caption after another — the event loop's busy
 * time per caption (performance.eventLoopUtilization) on disk and in memory. And POST → 202
 * of a burst of captions sent at once to a real relay process (`npm start`'s bundle).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CaptionEvent } from '../../server/src/core/types.ts';
import { startChildRelay } from '../support/child-relay.ts';
import { DurableQueue } from '../../server/src/queue/durable-queue.ts';
import { DEFAULT_QUEUE_POLICY } from '../../server/src/queue/policy.ts';
import { percentile } from './stats.ts';

const ITEMS = 10_000;
/** Captions through enqueue → take → markPlaying → markPlayed, one after another. */
const LIFE_CAPTIONS = 2_000;
/** Captions POSTed at once (under RELAY_MAX_QUEUED's default 1,000), and how many bursts. */
const BURST_CAPTIONS = 200;
const BURSTS = 3;
const USERS = 1_000;
/** Class of every 20 consecutive captions: 1 paid, 1 moderator, 4 subscribers, 14 viewers. */
const CLASS_PATTERN = ['paid', 'moderator', ...Array<'subscriber'>(4).fill('subscriber'), ...Array<'viewer'>(14).fill('viewer')] as const;

function captions(): CaptionEvent[] {
  return Array.from({ length: ITEMS }, (_, i) => {
    const priorityClass = CLASS_PATTERN[i % CLASS_PATTERN.length]!;
    return {
      text: `caption number ${i}`,
      user: `user${(i * 7) % USERS}`,
      source: 'http',
      priority: DEFAULT_QUEUE_POLICY.classes[priorityClass],
      paid: priorityClass === 'paid',
      messageId: `m${i}`,
      receivedAtMs: Date.now(),
    };
  });
}

interface Rates {
  enqueuePerS: number;
  takePerS: number;
  takeP50Us: number;
  takeP99Us: number;
}

/** Streamer enqueues answered (on disk) at most this many at a time: as many HTTP clients waiting for their 202. */
const ENQUEUES_IN_FLIGHT = 100;

async function measure(path: string, events: readonly CaptionEvent[]): Promise<Rates> {
  const queue = new DurableQueue({ path, maxQueued: ITEMS, policy: { ttlMs: 3_600_000 } });
  try {
    const enqueueStarted = performance.now();
    const answers: (Promise<void> | undefined)[] = [];
    for (const event of events) {
      answers.push(queue.enqueue(event, { dedupeWindowMs: 10_000 }).onDisk);
      if (answers.length >= ENQUEUES_IN_FLIGHT) await answers.shift();
    }
    await Promise.all(answers);
    const enqueueMs = performance.now() - enqueueStarted;

    const takeUs: number[] = [];
    const takeStarted = performance.now();
    for (let i = 0; i < ITEMS; i++) {
      const started = performance.now();
      if (!queue.takeNext()) throw new Error(`queue ran dry after ${i} takes`);
      takeUs.push((performance.now() - started) * 1_000);
    }
    const takeMs = performance.now() - takeStarted;
    return {
      enqueuePerS: (ITEMS / enqueueMs) * 1_000,
      takePerS: (ITEMS / takeMs) * 1_000,
      takeP50Us: percentile(takeUs, 50),
      takeP99Us: percentile(takeUs, 99),
    };
  } finally {
    queue.close();
  }
}

/** Event-loop busy ms per caption over LIFE_CAPTIONS streamer captions' queue lives. */
async function captionLifeMs(path: string): Promise<number> {
  const queue = new DurableQueue({ path, maxQueued: ITEMS, policy: { ttlMs: 3_600_000 } });
  try {
    const before = performance.eventLoopUtilization();
    for (let i = 0; i < LIFE_CAPTIONS; i++) {
      const { onDisk } = queue.enqueue({ text: `caption ${i}`, user: `user${i % 50}`, source: 'http', priority: 0, receivedAtMs: Date.now() });
      const taken = queue.takeNext()!;
      await onDisk; // the 202 (undefined before the group sync: the commit itself was fsynced)
      queue.markPlaying(taken.id);
      queue.markPlayed(taken.id);
    }
    const elu = performance.eventLoopUtilization(before);
    return elu.active / LIFE_CAPTIONS;
  } finally {
    queue.close();
  }
}

/** POST → 202 (ms) of every caption of BURSTS bursts (after one for warm-up) of BURST_CAPTIONS sent at once, on a fresh relay process. */
async function burstAnswerMs(): Promise<number[]> {
  const relay = await startChildRelay();
  try {
    const latencies: number[] = [];
    for (let b = 0; b <= BURSTS; b++) {
      const burst: number[] = [];
      await Promise.all(
        Array.from({ length: BURST_CAPTIONS }, async (_, i) => {
          const started = performance.now();
          const res = await relay.post('/api/captions', { text: `burst ${b} caption ${i}`, user: `viewer${i % 20}` });
          await res.arrayBuffer();
          if (res.status !== 202) throw new Error(`burst caption answered ${res.status}`);
          burst.push(performance.now() - started);
        }),
      );
      if (b > 0) latencies.push(...burst); // the first burst warms the process up
      const cleared = await relay.post('/api/queue/clear', { includePaid: true });
      if (cleared.status !== 200) throw new Error(`clear answered ${cleared.status}`);
    }
    return latencies;
  } finally {
    await relay.kill('SIGTERM');
    rmSync(relay.dataDir, { recursive: true, force: true });
  }
}

export async function benchQueueAdmission(): Promise<Record<string, number>> {
  const events = captions();
  const dir = mkdtempSync(join(tmpdir(), 'cosy-bench-queue-'));
  try {
    const memory = await measure(':memory:', events);
    const disk = await measure(join(dir, 'relay.db'), events);
    const lifeMemoryMs = await captionLifeMs(':memory:');
    const lifeDiskMs = await captionLifeMs(join(dir, 'life.db'));
    const burst = await burstAnswerMs();
    return {
      queue_caption_event_loop_ms: lifeDiskMs,
      queue_caption_event_loop_memory_ms: lifeMemoryMs,
      queue_caption_event_loop_vs_memory_ratio: lifeDiskMs / lifeMemoryMs,
      queue_burst_captions: burst.length,
      queue_burst_202_p50_ms: percentile(burst, 50),
      queue_burst_202_p95_ms: percentile(burst, 95),
      queue_burst_202_max_ms: percentile(burst, 100),
      queue_enqueue_per_s: Math.round(disk.enqueuePerS),
      queue_enqueue_memory_per_s: Math.round(memory.enqueuePerS),
      queue_enqueue_vs_memory_ratio: disk.enqueuePerS / memory.enqueuePerS,
      queue_take_per_s: Math.round(disk.takePerS),
      queue_take_memory_per_s: Math.round(memory.takePerS),
      queue_take_vs_memory_ratio: disk.takePerS / memory.takePerS,
      queue_take_p50_us: disk.takeP50Us,
      queue_take_p99_us: disk.takeP99Us,
      queue_take_memory_p50_us: memory.takeP50Us,
      queue_take_memory_p99_us: memory.takeP99Us,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
