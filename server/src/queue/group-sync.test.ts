import { describe, expect, it } from 'vitest';
import { QueueFullError, StorageError } from '../core/errors.ts';
import { GroupSync } from './group-sync.ts';

/** A flush the test finishes by hand: each call is one pending fsync. */
function manualDisk() {
  const flushes: { finish: () => void; fail: (error: Error) => void }[] = [];
  let syncFlushes = 0;
  const options = {
    flush: () => new Promise<void>((resolve, reject) => flushes.push({ finish: resolve, fail: reject })),
    flushSync: () => void (syncFlushes += 1),
  };
  return { options, flushes, syncFlushes: () => syncFlushes };
}

/** Whether `promise` has settled, after the microtasks queued so far ran. */
async function settled(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  let state: 'resolved' | 'rejected' | 'pending' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return state;
}

describe('group sync (group commit)', () => {
  it('answers a request only after a flush that started after it; requests made during a flush share the next one', async () => {
    const disk = manualDisk();
    const sync = new GroupSync({ ...disk.options, maxWaiting: 10, retryAfterS: 1 });

    const first = sync.onDisk();
    const sameTick = sync.onDisk(); // same tick: joins the group before its flush starts
    await Promise.resolve();
    expect(disk.flushes).toHaveLength(1);
    const duringFlush = [sync.onDisk(), sync.onDisk(), sync.onDisk()];
    expect(sync.waiting).toBe(5);
    expect(disk.flushes).toHaveLength(1); // one fsync at a time
    expect(await settled(first)).toBe('pending');

    disk.flushes[0]!.finish();
    expect(await settled(first)).toBe('resolved');
    expect(await settled(sameTick)).toBe('resolved');
    // Those made while the first fsync ran were not promised by it: they wait for the second.
    expect(await Promise.all(duringFlush.map(settled))).toEqual(['pending', 'pending', 'pending']);
    expect(disk.flushes).toHaveLength(2);
    expect(sync.waiting).toBe(3);

    disk.flushes[1]!.finish();
    expect(await Promise.all(duringFlush.map(settled))).toEqual(['resolved', 'resolved', 'resolved']);
    expect(sync.waiting).toBe(0);
    expect(disk.flushes).toHaveLength(2); // nothing asked: no third fsync
  });

  it('is bounded: past maxWaiting, checkRoom throws a 429 QueueFullError with Retry-After', async () => {
    const disk = manualDisk();
    const sync = new GroupSync({ ...disk.options, maxWaiting: 3, retryAfterS: 2 });
    const waiting = [sync.onDisk(), sync.onDisk(), sync.onDisk()];
    const full = (() => {
      try {
        sync.checkRoom();
      } catch (err) {
        return err;
      }
    })();
    expect(full).toBeInstanceOf(QueueFullError);
    expect(full).toMatchObject({ code: 'queue_full', httpStatus: 429, retryAfterS: 2, message: expect.stringMatching(/3 captions are waiting for the disk/) });
    await Promise.resolve();
    disk.flushes[0]!.finish();
    await Promise.all(waiting);
    expect(() => sync.checkRoom()).not.toThrow();
  });

  it("a failed fsync rejects its group's requests with the StorageError; the next group gets its own fsync", async () => {
    const disk = manualDisk();
    const sync = new GroupSync({ ...disk.options, maxWaiting: 10, retryAfterS: 1 });
    const failing = sync.onDisk();
    await Promise.resolve();
    const later = sync.onDisk();
    disk.flushes[0]!.fail(new StorageError('cannot sync relay.db-wal to disk: EIO'));
    await expect(failing).rejects.toThrow(/EIO/);
    await Promise.resolve();
    disk.flushes[1]!.finish();
    await expect(later).resolves.toBeUndefined();
  });

  it('`soon` asks for a flush nobody awaits (a failure there is not an unhandled rejection)', async () => {
    const disk = manualDisk();
    const sync = new GroupSync({ ...disk.options, maxWaiting: 10, retryAfterS: 1 });
    sync.soon();
    sync.soon();
    await Promise.resolve();
    expect(disk.flushes).toHaveLength(1);
    expect(sync.waiting).toBe(0);
    disk.flushes[0]!.fail(new StorageError('EIO'));
    await settled(Promise.resolve());
    expect(disk.flushes).toHaveLength(1);
  });

  it('close flushes the group not started yet (blocking) and answers it; later requests fail', async () => {
    const disk = manualDisk();
    const sync = new GroupSync({ ...disk.options, maxWaiting: 10, retryAfterS: 1 });
    const running = sync.onDisk();
    await Promise.resolve();
    const queued = sync.onDisk();
    sync.close();
    expect(disk.syncFlushes()).toBe(1);
    expect(await settled(queued)).toBe('resolved');
    expect(await settled(running)).toBe('pending'); // its own fsync is still running
    disk.flushes[0]!.finish();
    expect(await settled(running)).toBe('resolved');
    expect(disk.flushes).toHaveLength(1);
    expect(() => sync.onDisk()).toThrow(StorageError);
  });
});
