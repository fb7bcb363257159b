import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueFullError, StorageError } from '../core/errors.ts';
import type { Utterance } from '../core/types.ts';
import { DurableQueue } from './durable-queue.ts';
import { caption, queueTestKit, takeAllTexts } from './test-kit.ts';

const kit = queueTestKit();
const openQueue = kit.open;

describe('DurableQueue', () => {
  it('takes by priority, then first in first out', () => {
    const queue = openQueue();
    queue.enqueue(caption('a'));
    queue.enqueue(caption('b', { priority: 5 }));
    queue.enqueue(caption('c'));
    queue.enqueue(caption('d', { priority: 5 }));
    queue.enqueue(caption('e', { priority: 10 }));
    expect(takeAllTexts(queue)).toEqual(['e', 'b', 'd', 'a', 'c']);
  });

  it('keeps every field and walks queued → synthesizing → playing → played', () => {
    const queue = openQueue({ now: () => 42 });
    const { utterance, duplicate } = queue.enqueue(caption('<b>hi</b>', { voice: 'v1', lang: 'zh', source: 'panel' }));
    expect(duplicate).toBe(false);
    expect(utterance).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      text: '<b>hi</b>',
      user: 'viewer',
      source: 'panel',
      priority: 0,
      voice: 'v1',
      lang: 'zh',
      receivedAtMs: 1_000,
      state: 'queued',
      updatedAtMs: 42,
    });
    expect(queue.markPlaying(utterance.id)).toBeUndefined();
    // waitMs = the clock at the take − receivedAtMs, never negative (the test clock reads 42).
    expect(queue.takeNext()).toMatchObject({ id: utterance.id, state: 'synthesizing', waitMs: 0 });
    // firstAudioMs = the clock at the playback ack − the take, never negative.
    expect(queue.markPlaying(utterance.id)).toMatchObject({ state: 'playing', firstAudioMs: 0, waitMs: 0 });
    expect(queue.get(utterance.id)?.state).toBe('playing');
    const words = [{ text: 'hi', startMs: 0, endMs: 180 }];
    queue.recordTimeline(utterance.id, { durationMs: 200, words });
    expect(queue.markPlayed(utterance.id)).toBe(true);
    expect(queue.markPlayed(utterance.id)).toBe(false);
    expect(queue.get(utterance.id)?.state).toBe('played');
    expect(queue.countActive()).toBe(0);
    expect(queue.history({ limit: 10 })).toEqual([
      { ...utterance, state: 'played', playedAtMs: 42, durationMs: 200, words, firstAudioMs: 0, waitMs: 0 },
    ]);
    expect(queue.get('no-such-id')).toBeUndefined();
  });

  it('emits every transition on changes$ in commit order, even when a subscriber transitions', () => {
    const queue = openQueue();
    const seenByTaker: string[] = [];
    const seenByPanel: string[] = [];
    queue.changes$.subscribe((u) => {
      seenByTaker.push(`${u.text}:${u.state}`);
      if (u.state === 'queued') queue.takeNext();
    });
    queue.changes$.subscribe((u) => seenByPanel.push(`${u.text}:${u.state}`));
    queue.enqueue(caption('a'));
    expect(seenByPanel).toEqual(['a:queued', 'a:synthesizing']);
    expect(seenByTaker).toEqual(seenByPanel);
  });

  it('survives a restart: recover() requeues what was synthesizing or playing', () => {
    const first = openQueue();
    const a = first.enqueue(caption('a')).utterance;
    const b = first.enqueue(caption('b')).utterance;
    const c = first.enqueue(caption('c')).utterance;
    const d = first.enqueue(caption('d')).utterance;
    first.takeNext();
    first.markPlaying(a.id);
    first.takeNext();
    first.takeNext();
    first.markPlayed(c.id);
    first.close();

    const second = openQueue();
    expect(second.recover()).toBe(2);
    expect(second.get(a.id)?.state).toBe('queued');
    expect(second.get(b.id)?.state).toBe('queued');
    expect(second.get(c.id)?.state).toBe('played');
    expect(takeAllTexts(second)).toEqual(['a', 'b', 'd']);
    expect(second.get(d.id)?.state).toBe('synthesizing');
  });

  it('answers QueueFullError (429) once maxQueued items are active, and accepts again when one ends', () => {
    const queue = openQueue({ maxQueued: 2, retryAfterS: 7 });
    const a = queue.enqueue(caption('a')).utterance;
    queue.enqueue(caption('b'));
    const full = (() => {
      try {
        queue.enqueue(caption('c'));
      } catch (error) {
        return error;
      }
    })();
    expect(full).toBeInstanceOf(QueueFullError);
    expect(full).toMatchObject({ code: 'queue_full', httpStatus: 429, retryAfterS: 7 });
    expect(queue.countActive()).toBe(2);
    expect(queue.skip(a.id)).toBe('queued');
    expect(queue.enqueue(caption('c')).duplicate).toBe(false);
  });

  it('dedupes the same text+user within the window, unless the first was dropped', () => {
    const queue = openQueue({ maxQueued: 2 });
    const first = queue.enqueue(caption('hello', { receivedAtMs: 1_000 }), { dedupeWindowMs: 5_000 }).utterance;
    queue.enqueue(caption('other', { receivedAtMs: 1_000 }));
    // Even at the limit, a duplicate answers with the id already accepted.
    const again = queue.enqueue(caption('hello', { receivedAtMs: 3_000 }), { dedupeWindowMs: 5_000 });
    expect(again).toEqual({ utterance: first, duplicate: true, dropped: [], onDisk: expect.any(Promise) });
    queue.skip(queue.list({ limit: 10 })[1]!.id);

    expect(queue.enqueue(caption('hello', { user: 'someone-else', receivedAtMs: 3_000 }), { dedupeWindowMs: 5_000 }).duplicate).toBe(false);
    queue.drop(first.id, 'banned');
    queue.skip(queue.list({ limit: 10 })[0]!.id);
    expect(queue.enqueue(caption('hello', { receivedAtMs: 3_000 }), { dedupeWindowMs: 5_000 }).duplicate).toBe(false);
  });

  it('never dedupes a paid caption (a cheer repeating an earlier plain message is read)', () => {
    const queue = openQueue();
    const plain = queue.enqueue(caption('hello', { receivedAtMs: 1_000 }), { dedupeWindowMs: 5_000 }).utterance;
    const cheer = queue.enqueue(caption('hello', { receivedAtMs: 2_000, paid: true }), { dedupeWindowMs: 5_000 });
    expect(cheer.duplicate).toBe(false);
    expect(cheer.utterance.id).not.toBe(plain.id);
    expect(cheer.utterance.paid).toBe(true);
    expect(queue.enqueue(caption('hello', { receivedAtMs: 2_500, paid: true }), { dedupeWindowMs: 5_000 }).duplicate).toBe(false);
  });

  it('does not dedupe outside the window or when the window is off', () => {
    const queue = openQueue();
    queue.enqueue(caption('hello', { receivedAtMs: 1_000 }));
    expect(queue.enqueue(caption('hello', { receivedAtMs: 1_500 })).duplicate).toBe(false);
    expect(queue.enqueue(caption('hello', { receivedAtMs: 7_000 }), { dedupeWindowMs: 5_000 }).duplicate).toBe(false);
  });

  it('skips queued, synthesizing and playing items; a final item cannot move again', () => {
    const queue = openQueue();
    const [a, b, c] = ['a', 'b', 'c'].map((t) => queue.enqueue(caption(t)).utterance) as [Utterance, Utterance, Utterance];
    queue.takeNext();
    queue.takeNext();
    queue.markPlaying(a.id);
    expect(queue.skip(a.id)).toBe('playing');
    expect(queue.skip(b.id, 'too loud')).toBe('synthesizing');
    expect(queue.skip(c.id)).toBe('queued');
    expect(queue.get(a.id)).toMatchObject({ state: 'skipped', reason: 'skipped by user' });
    expect(queue.get(b.id)).toMatchObject({ state: 'skipped', reason: 'too loud' });

    expect(queue.skip(a.id)).toBeUndefined();
    expect(queue.drop(a.id, 'late')).toBeUndefined();
    expect(queue.markPlayed(a.id)).toBe(false);
    expect(queue.markPlaying(b.id)).toBeUndefined();
    expect(queue.skip('no-such-id')).toBeUndefined();
    expect(queue.takeNext()).toBeUndefined();
    expect(queue.get(a.id)?.state).toBe('skipped');
  });

  it('drop records the reason in history', () => {
    const queue = openQueue();
    const a = queue.enqueue(caption('a')).utterance;
    expect(queue.drop(a.id, 'expired')).toBe('queued');
    expect(queue.history({ limit: 10 })).toMatchObject([{ id: a.id, state: 'dropped', reason: 'expired', words: [] }]);
  });

  it('lists active items in play order and final ones newest first, bounded by limit', () => {
    const queue = openQueue();
    const ids = ['low', 'high', 'next', 'done', 'gone'].map(
      (t) => queue.enqueue(caption(t, { priority: t === 'high' ? 1 : 0 })).utterance.id,
    );
    queue.takeNext(); // high
    queue.takeNext(); // low
    queue.markPlaying(ids[1]!);
    queue.skip(ids[3]!);
    queue.drop(ids[4]!, 'banned');
    const texts = (states?: Utterance['state'][], limit = 10) => queue.list({ states, limit }).map((u) => u.text);
    expect(texts()).toEqual(['high', 'low', 'next']);
    expect(texts(undefined, 2)).toEqual(['high', 'low']);
    expect(texts(['skipped', 'dropped'])).toEqual(['gone', 'done']);
    expect(texts(['queued', 'skipped'])).toEqual(['next', 'done']);
  });

  it('history filters by sinceMs and returns the most recent final items oldest first', () => {
    let nowMs = 0;
    const queue = openQueue({ now: () => nowMs });
    for (const text of ['a', 'b', 'c', 'd']) {
      const { id } = queue.enqueue(caption(text)).utterance;
      nowMs += 100;
      queue.skip(id);
    }
    expect(queue.history({ limit: 2 }).map((h) => h.text)).toEqual(['c', 'd']);
    expect(queue.history({ limit: 10, sinceMs: 200 }).map((h) => h.text)).toEqual(['b', 'c', 'd']);
  });

  it('keeps history bounded by historyLimit (pruning the oldest final rows), never active ones', () => {
    const historyLimit = 20;
    const queue = openQueue({ historyLimit });
    const waiting = queue.enqueue(caption('still waiting', { priority: -1 })).utterance;
    for (let i = 0; i < 200; i++) {
      const { id } = queue.enqueue(caption(`line ${i}`)).utterance;
      queue.skip(id);
    }
    const kept = queue.history({ limit: 1_000 });
    expect(kept.length).toBeGreaterThanOrEqual(historyLimit);
    expect(kept.length).toBeLessThanOrEqual(historyLimit * 1.1);
    expect(kept.at(-1)?.text).toBe('line 199');
    expect(queue.get(waiting.id)?.state).toBe('queued');
  });

  it('prunes history beyond the limit on open', () => {
    const first = openQueue({ historyLimit: 100 });
    for (let i = 0; i < 30; i++) first.skip(first.enqueue(caption(`line ${i}`)).utterance.id);
    first.close();
    expect(openQueue({ historyLimit: 5 }).history({ limit: 100 }).map((h) => h.text)).toEqual(
      ['line 25', 'line 26', 'line 27', 'line 28', 'line 29'],
    );
  });

  it('works in memory', () => {
    const queue = new DurableQueue({ path: ':memory:', maxQueued: 1 });
    queue.enqueue(caption('a'));
    expect(queue.takeNext()?.text).toBe('a');
    queue.close();
  });
});

describe('DurableQueue storage failures', () => {
  function storageFailure(fn: () => unknown): StorageError {
    try {
      fn();
    } catch (error) {
      if (error instanceof StorageError) return error;
      throw error;
    }
    throw new Error('expected a StorageError');
  }

  it('reports a data dir it cannot create files in (SQLITE_CANTOPEN, even as root)', () => {
    const error = storageFailure(() => new DurableQueue({ dataDir: '/proc/self', maxQueued: 1 }));
    expect(error).toMatchObject({ code: 'storage_unavailable', httpStatus: 503 });
    expect(error.message).toContain('/proc/self/relay.db');
    expect(error.message).toContain('SQLITE_CANTOPEN');
    expect(error.message).toContain('writable');
  });

  it('reports a data dir path that is a file', () => {
    const file = join(kit.dataDir(), 'not-a-dir');
    writeFileSync(file, '');
    const error = storageFailure(() => new DurableQueue({ dataDir: join(file, 'sub'), maxQueued: 1 }));
    expect(error.message).toMatch(/ENOTDIR.*writable/);
  });

  // Root ignores file modes, but not the immutable attribute (ext4/xfs/btrfs, CAP_LINUX_IMMUTABLE).
  const immutable = chattrWorks();

  it('reports a read-only database file (SQLITE_READONLY)', () => {
    expect(immutable, 'chattr +i must work here (the suite runs as root)').toBe(true);
    openQueue().close();
    const file = join(kit.dataDir(), 'relay.db');
    chattr('+i', file);
    try {
      const error = storageFailure(() => openQueue());
      expect(error.message).toContain('SQLITE_READONLY');
      expect(error.message).toContain('writable');
    } finally {
      chattr('-i', file);
    }
  });

  it('fails an enqueue whose write cannot be made durable, accepting nothing', () => {
    expect(immutable, 'chattr +i must work here (the suite runs as root)').toBe(true);
    const queue = openQueue();
    queue.enqueue(caption('before'));
    const wal = join(kit.dataDir(), 'relay.db-wal');
    chattr('+i', wal);
    try {
      const error = storageFailure(() => queue.enqueue(caption('lost')));
      expect(error.message).toMatch(/queue enqueue failed.*SQLITE_IOERR/);
    } finally {
      chattr('-i', wal);
    }
    expect(queue.list({ limit: 10 }).map((u) => u.text)).toEqual(['before']);
  });
});

function chattr(flag: '+i' | '-i', path: string): void {
  execFileSync('chattr', [flag, path], { stdio: 'ignore' });
}

function chattrWorks(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'cosy-chattr-'));
  const probe = join(dir, 'probe');
  writeFileSync(probe, '');
  try {
    chattr('+i', probe);
    chattr('-i', probe);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('first-audio latency', () => {
  it('counts from the take (its turn), not from receipt: the wait for an overlay is its own figure', () => {
    let nowMs = 10_000;
    const queue = new DurableQueue({ path: ':memory:', maxQueued: 10, now: () => nowMs });
    const { utterance } = queue.enqueue({ text: 'before OBS', user: 'u', source: 'http', priority: 0, receivedAtMs: 10_000 });
    nowMs = 54_000; // the overlay connected 44 s later: the limiter takes it now
    expect(queue.takeNext()).toMatchObject({ id: utterance.id, waitMs: 44_000 });
    nowMs = 54_400;
    expect(queue.markPlaying(utterance.id, 54_300)).toMatchObject({ firstAudioMs: 300, waitMs: 44_000 });
    queue.recordTimeline(utterance.id, { durationMs: 900, words: [] });
    queue.markPlayed(utterance.id);
    expect(queue.history({ limit: 1 })[0]).toMatchObject({ firstAudioMs: 300, waitMs: 44_000, durationMs: 900 });
    // Played items in the queue list keep their duration (GET /api/queue's durationMs).
    expect(queue.list({ states: ['played'], limit: 1 })[0]).toMatchObject({ id: utterance.id, durationMs: 900, waitMs: 44_000 });
    queue.close();
  });

  it('counts to the overlay’s audible time, clamped between the take and the ack', () => {
    let nowMs = 10_000;
    const queue = new DurableQueue({ path: ':memory:', maxQueued: 10, now: () => nowMs });
    const ids = ['on-time', 'future', 'past'].map(
      (text) => queue.enqueue({ text, user: text, source: 'http', priority: 0, receivedAtMs: 10_000 }).utterance.id,
    );
    for (const _ of ids) queue.takeNext();
    nowMs = 10_300;
    expect(queue.markPlaying(ids[0]!, 10_250)?.firstAudioMs).toBe(250);
    expect(queue.markPlaying(ids[1]!, 99_999)?.firstAudioMs).toBe(300); // a clock ahead: capped at the ack
    expect(queue.markPlaying(ids[2]!, 1)?.firstAudioMs).toBe(0); // a clock behind: not negative
    queue.close();
  });
});
