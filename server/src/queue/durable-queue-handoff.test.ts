/** DurableQueue: what scale-out hands from one process to another (pending readouts, adopt, drop by id). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableQueue } from './durable-queue.ts';
import { DEFAULT_QUEUE_POLICY } from './policy.ts';
import { caption, queueTestKit } from './test-kit.ts';

const kit = queueTestKit();
const paid = { priority: DEFAULT_QUEUE_POLICY.classes.paid, paid: true };
const otherDirs: string[] = [];
afterEach(() => {
  for (const dir of otherDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function otherProcessQueue(): DurableQueue {
  const dir = mkdtempSync(join(tmpdir(), 'cosy-queue-other-'));
  otherDirs.push(dir);
  return new DurableQueue({ dataDir: dir, maxQueued: 2 });
}

describe('pending readouts', () => {
  it('lists every active readout with what another process needs, and none of the finished ones', () => {
    const queue = kit.open();
    const a = queue.enqueue(caption('a', { userId: 'u-1', messageId: 'm-1', voice: 'v', lang: 'en', ...paid })).utterance;
    const b = queue.enqueue(caption('b')).utterance;
    const c = queue.enqueue(caption('c')).utterance;
    queue.takeNext(); // a (paid) → synthesizing
    queue.skip(c.id);

    const pending = queue.pendingReadouts();
    expect(pending.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(pending[0]).toMatchObject({ text: 'a', userId: 'u-1', messageId: 'm-1', voice: 'v', lang: 'en', paid: true, receivedAtMs: 1_000 });
    expect(pending[1]!.expiresAtMs).toBeGreaterThan(0); // a viewer's time-to-live (paid ones keep theirs, none by default)
    expect(queue.pendingReadout(b.id)).toEqual(pending[1]);
    expect(queue.pendingReadout(c.id)).toBeUndefined();
    expect(queue.pendingReadout('unknown')).toBeUndefined();
  });
});

describe('adopt', () => {
  it('queues another process’s readouts with their ids, in order of arrival, over the bound, once', () => {
    const source = kit.open();
    const ids = ['one', 'two', 'three'].map((text, i) => source.enqueue(caption(text, { receivedAtMs: 1_000 + i })).utterance.id);
    const readouts = source.pendingReadouts();

    const target = otherProcessQueue(); // maxQueued 2: adoption is not refused for the bound
    try {
      const seen: string[] = [];
      target.changes$.subscribe((u) => seen.push(`${u.id}:${u.state}`));
      expect(target.adopt([...readouts].reverse()).map((u) => u.id)).toEqual(ids);
      expect(target.adopt(readouts)).toEqual([]);
      expect(seen).toEqual(ids.map((id) => `${id}:queued`));
      expect(target.countActive()).toBe(3);
      expect(target.pendingReadouts()).toEqual(readouts);
      const taken = [target.takeNext(), target.takeNext(), target.takeNext()].map((u) => u?.id);
      expect(taken).toEqual(ids);
    } finally {
      target.close();
    }
  });

  it('keeps the expiry it was given: an adopted readout past its time-to-live expires', () => {
    let nowMs = 10_000;
    const target = kit.open({ now: () => nowMs });
    target.adopt([{ ...caption('stale'), id: 'x', expiresAtMs: 11_000 }, { ...caption('forever'), id: 'y', expiresAtMs: null }]);
    nowMs = 12_000;
    expect(target.expire().map((u) => u.id)).toEqual(['x']);
    expect(target.takeNext()?.id).toBe('y');
  });
});

describe('dropIds', () => {
  it('drops active readouts by id, reporting the in-flight ones, and leaves finished ones alone', () => {
    const queue = kit.open();
    const [a, b, c] = ['a', 'b', 'c'].map((text) => queue.enqueue(caption(text, { user: text })).utterance);
    queue.takeNext(); // a in flight
    queue.skip(c!.id);
    const drop = queue.dropIds([a!.id, b!.id, c!.id], 'handed over');
    expect(drop).toEqual({ dropped: 2, inFlightIds: [a!.id] });
    expect(queue.get(b!.id)).toMatchObject({ state: 'dropped', reason: 'handed over' });
    expect(queue.get(c!.id)?.state).toBe('skipped');
  });
});

describe('adopt of a readout already heard', () => {
  it('records it as played, not queued', () => {
    const target = kit.open();
    const seen: string[] = [];
    target.changes$.subscribe((u) => seen.push(`${u.id}:${u.state}`));
    const added = target.adopt(
      [{ ...caption('heard'), id: 'h', expiresAtMs: null }, { ...caption('not yet', { user: 'b' }), id: 'n', expiresAtMs: null }],
      (id) => id === 'h',
    );
    expect(added.map((u) => `${u.id}:${u.state}`)).toEqual(['h:played', 'n:queued']);
    expect(seen).toEqual(['h:played', 'n:queued']);
    expect(target.get('h')?.reason).toBe('played before the takeover');
    expect(target.countActive()).toBe(1);
    expect(target.takeNext()?.id).toBe('n');
    expect(target.takeNext()).toBeUndefined();
  });
});
