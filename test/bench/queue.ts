/**
 * Durable queue admission and take rates with 10k readouts waiting (1,000 users, every
 * priority class), on disk (WAL + synchronous=FULL: one fsync per commit) against the same
 * queue in memory (':memory:', no I/O) as the baseline measured in the same run. The take
 * latency percentiles are over all 10k takes, each made with the rest still waiting; on disk
 * the p99 is the WAL checkpoint (every ~1,000 pages written) that some commit has to pay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptionEvent } from '../../server/src/core/types.ts';
import { DurableQueue } from '../../server/src/queue/durable-queue.ts';
import { DEFAULT_QUEUE_POLICY } from '../../server/src/queue/policy.ts';
import { percentile } from './stats.ts';

const ITEMS = 10_000;
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

function measure(path: string, events: readonly CaptionEvent[]): Rates {
  const queue = new DurableQueue({ path, maxQueued: ITEMS, policy: { ttlMs: 3_600_000 } });
  try {
    const enqueueStarted = performance.now();
    for (const event of events) queue.enqueue(event, { dedupeWindowMs: 10_000 });
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

export async function benchQueueAdmission(): Promise<Record<string, number>> {
  const events = captions();
  const dir = mkdtempSync(join(tmpdir(), 'cosy-bench-queue-'));
  try {
    const memory = measure(':memory:', events);
    const disk = measure(join(dir, 'relay.db'), events);
    return {
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
