/** Helpers for the queue's tests: a fresh data dir per test, every queue closed after it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { CaptionEvent } from '../core/types.ts';
import { DurableQueue, type DurableQueueOptions } from './durable-queue.ts';

export interface QueueTestKit {
  dataDir(): string;
  /** A queue on this test's data dir (maxQueued 100 unless given); opening it again is a restart. */
  open(options?: Partial<DurableQueueOptions>): DurableQueue;
}

/** Call at the top of a test file or describe block. */
export function queueTestKit(): QueueTestKit {
  let dataDir = '';
  const opened: DurableQueue[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cosy-queue-'));
  });
  afterEach(() => {
    for (const queue of opened.splice(0)) queue.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir: () => dataDir,
    open(options = {}) {
      const queue = new DurableQueue({ dataDir, maxQueued: 100, ...options } as DurableQueueOptions);
      opened.push(queue);
      return queue;
    },
  };
}

export function caption(text: string, extra: Partial<CaptionEvent> = {}): CaptionEvent {
  return { text, user: 'viewer', source: 'http', priority: 0, receivedAtMs: 1_000, ...extra };
}

/** Takes until the queue is empty; the texts in the order taken. */
export function takeAllTexts(queue: DurableQueue): string[] {
  const texts: string[] = [];
  for (let next = queue.takeNext(); next; next = queue.takeNext()) texts.push(next.text);
  return texts;
}
