/**
 * The 202's durability, checked at the disk: node:fs's fsync is wrapped so the test sees each
 * fsync the queue asks for and decides when it completes. A streamer enqueue's `onDisk`
 * resolves only after an fsync of the database's WAL file that began once the commit was in
 * that file; the readout can be taken while that fsync is still running.
 */
import { fstatSync, statSync, type NoParamCallback } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { caption, queueTestKit } from './test-kit.ts';

interface FsyncCall {
  inode: number;
  /** Ids committed (visible to another connection) when the fsync began. */
  committedAtStart: string[];
  complete: () => void;
}

const hook = vi.hoisted(() => ({
  /** When set, each fsync is reported here and completes only when the test says so. */
  hold: undefined as ((fd: number, complete: () => void) => void) | undefined,
}));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const fsync = (fd: number, callback: NoParamCallback) => {
    if (!hook.hold) return real.fsync(fd, callback);
    hook.hold(fd, () => real.fsync(fd, callback));
  };
  return { ...real, default: { ...real, fsync }, fsync };
});

const kit = queueTestKit();

afterEach(() => {
  hook.hold = undefined;
});

/** Whether `promise` has settled once the pending I/O callbacks and microtasks ran. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, 20));
  return done;
}

describe('durable queue on disk: the 202 waits for the fsync, the readout does not', () => {
  it("onDisk resolves only after an fsync of the WAL begun after the commit; the take does not wait for it", async () => {
    const queue = kit.open();
    const dbPath = join(kit.dataDir(), 'relay.db');
    const reader = new Database(dbPath, { readonly: true });
    const calls: FsyncCall[] = [];
    hook.hold = (fd, complete) => {
      const committedAtStart = reader.prepare<[], { id: string }>('SELECT id FROM utterances').all().map((r) => r.id);
      calls.push({ inode: fstatSync(fd).ino, committedAtStart, complete });
    };
    try {
      const { utterance, onDisk } = queue.enqueue(caption('promised'));
      expect(onDisk).toBeInstanceOf(Promise);
      await expect.poll(() => calls.length).toBe(1);
      // The fsync is of the WAL file, and the caption was committed to it before the fsync began.
      expect(calls[0]!.inode).toBe(statSync(`${dbPath}-wal`).ino);
      expect(calls[0]!.committedAtStart).toContain(utterance.id);

      // While the disk works, the readout starts: nothing on the take path waits for it.
      expect(queue.takeNext()?.id).toBe(utterance.id);
      expect(await isSettled(onDisk!)).toBe(false);

      // A second caption while the first fsync runs: not promised by it, it gets its own.
      const second = queue.enqueue(caption('second', { user: 'other' }));
      calls[0]!.complete();
      await onDisk;
      expect(await isSettled(second.onDisk!)).toBe(false);
      expect(calls).toHaveLength(2);
      expect(calls[1]!.committedAtStart).toContain(second.utterance.id);
      calls[1]!.complete();
      await second.onDisk;
    } finally {
      reader.close();
    }
  });

  it('chat (fsync: false), takes and timelines ask for no fsync; plays, skips and pause ask for one nobody waits on', async () => {
    const queue = kit.open();
    let fsyncs = 0;
    hook.hold = (_fd, complete) => {
      fsyncs += 1;
      complete();
    };
    const chat = queue.enqueue(caption('from chat'), { fsync: false });
    expect(chat.onDisk).toBeUndefined();
    const taken = queue.takeNext()!;
    queue.recordTimeline(taken.id, { durationMs: 100, words: [] });
    await new Promise((r) => setTimeout(r, 20));
    expect(fsyncs).toBe(0);

    queue.markPlaying(taken.id);
    queue.markPlayed(taken.id); // same tick: one group, one fsync
    await expect.poll(() => fsyncs).toBe(1);
    queue.setPaused(true);
    await expect.poll(() => fsyncs).toBe(2);
  });

  it('closing with a caption still waiting for the disk flushes it before the database closes', async () => {
    const queue = kit.open();
    const held: (() => void)[] = [];
    hook.hold = (_fd, complete) => held.push(complete);
    const first = queue.enqueue(caption('first'));
    await expect.poll(() => held.length).toBe(1);
    const second = queue.enqueue(caption('second', { user: 'other' }));
    queue.close();
    await expect(second.onDisk).resolves.toBeUndefined(); // flushed synchronously by close
    held[0]!();
    await expect(first.onDisk).resolves.toBeUndefined();
  });
});
