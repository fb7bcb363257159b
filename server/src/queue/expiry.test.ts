import { describe, expect, it } from 'vitest';
import type { Utterance } from '../core/types.ts';
import { DEFAULT_QUEUE_POLICY } from './policy.ts';
import { caption, queueTestKit } from './test-kit.ts';

const kit = queueTestKit();
const { paid, moderator } = DEFAULT_QUEUE_POLICY.classes;

function clock(startMs = 0) {
  const c = { nowMs: startMs, now: () => c.nowMs };
  return c;
}

describe('time-to-live', () => {
  it('drops with reason "expired" what waited longer than ttlMs, before taking', () => {
    const c = clock();
    const queue = kit.open({ now: c.now, policy: { ttlMs: 1_000 } });
    const seen: string[] = [];
    queue.changes$.subscribe((u) => seen.push(`${u.text}:${u.state}:${u.reason ?? ''}`));
    const stale = queue.enqueue(caption('stale')).utterance;
    c.nowMs = 600;
    queue.enqueue(caption('fresh'));
    c.nowMs = 1_000; // stale waited exactly ttlMs: expires at the boundary
    expect(queue.takeNext()?.text).toBe('fresh');
    expect(queue.get(stale.id)).toMatchObject({ state: 'dropped', reason: 'expired', updatedAtMs: 1_000 });
    expect(seen.slice(2)).toEqual(['stale:dropped:expired', 'fresh:synthesizing:']);
    expect(queue.history({ limit: 10 })).toMatchObject([{ text: 'stale', state: 'dropped', reason: 'expired' }]);
  });

  it('expire(nowMs) drops only queued items, returns and emits them', () => {
    const c = clock();
    const queue = kit.open({ now: c.now, policy: { ttlMs: 1_000 } });
    queue.enqueue(caption('taken'));
    queue.takeNext();
    queue.enqueue(caption('a'));
    c.nowMs = 500;
    queue.enqueue(caption('b'));
    const emitted: Utterance[] = [];
    queue.changes$.subscribe((u) => emitted.push(u));

    expect(queue.expire(999)).toEqual([]);
    const expired = queue.expire(1_200);
    expect(expired.map((u) => [u.text, u.state, u.reason])).toEqual([['a', 'dropped', 'expired']]);
    expect(emitted).toEqual(expired);
    expect(queue.list({ limit: 10 }).map((u) => `${u.text}:${u.state}`)).toEqual(['taken:synthesizing', 'b:queued']);
    expect(queue.expire(1_500).map((u) => u.text)).toEqual(['b']);
  });

  it('paid items never expire by default; a class override and ttlMs: null are honoured', () => {
    const c = clock();
    const queue = kit.open({ now: c.now, policy: { ttlMs: 1_000, ttlMsByClass: { moderator: 5_000 } } });
    queue.enqueue(caption('viewer'));
    queue.enqueue(caption('moderator', { user: 'm', priority: moderator }));
    queue.enqueue(caption('paid', { user: 'p', priority: paid, paid: true }));
    expect(queue.expire(4_999).map((u) => u.text)).toEqual(['viewer']);
    expect(queue.expire(1_000_000).map((u) => u.text)).toEqual(['moderator']);
    expect(queue.takeNext()?.text).toBe('paid');

    const forever = kit.open({ path: ':memory:', now: c.now, policy: { ttlMs: null } });
    forever.enqueue(caption('viewer'));
    expect(forever.expire(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('makes paid items expire when configured to', () => {
    const queue = kit.open({ now: () => 0, policy: { ttlMsByClass: { paid: 60_000 } } });
    queue.enqueue(caption('paid', { priority: paid, paid: true }));
    expect(queue.expire(60_000).map((u) => u.text)).toEqual(['paid']);
  });

  it('expires across a restart', () => {
    const c = clock();
    const first = kit.open({ now: c.now, policy: { ttlMs: 1_000 } });
    first.enqueue(caption('old'));
    first.close();
    c.nowMs = 2_000;
    const reopened = kit.open({ now: c.now, policy: { ttlMs: 1_000 } });
    expect(reopened.takeNext()).toBeUndefined();
    expect(reopened.history({ limit: 10 })).toMatchObject([{ text: 'old', reason: 'expired' }]);
  });
});
