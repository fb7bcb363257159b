import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../core/errors.ts';
import type { Utterance } from '../core/types.ts';
import { admission } from './overflow.ts';
import { DEFAULT_QUEUE_POLICY } from './policy.ts';
import { caption, queueTestKit } from './test-kit.ts';

const kit = queueTestKit();
const { paid, subscriber, viewer } = DEFAULT_QUEUE_POLICY.classes;

function rejection(fn: () => unknown): QueueFullError {
  try {
    fn();
  } catch (error) {
    if (error instanceof QueueFullError) return error;
    throw error;
  }
  throw new Error('expected a QueueFullError');
}

describe('admission', () => {
  const dropOldest = { maxQueued: 2, overflow: 'drop-oldest' } as const;
  const unpaidViewer = { priority: viewer, paid: false };

  it('admits under the bound or without one', () => {
    expect(admission(undefined, 1_000, unpaidViewer, undefined)).toBe('admit');
    expect(admission(dropOldest, 1, unpaidViewer, undefined)).toBe('admit');
    expect(admission({ maxQueued: 2, overflow: 'reject' }, 1, unpaidViewer, undefined)).toBe('admit');
  });

  it('rejects at the bound under "reject", paid or not', () => {
    expect(admission({ maxQueued: 2, overflow: 'reject' }, 2, unpaidViewer, { priority: viewer })).toBe('reject');
    expect(admission({ maxQueued: 2, overflow: 'reject' }, 2, { priority: paid, paid: true }, undefined)).toBe('reject');
  });

  it('under "drop-oldest", the lowest priority loses, the newcomer included', () => {
    expect(admission(dropOldest, 2, unpaidViewer, { priority: viewer })).toBe('drop-victim');
    expect(admission(dropOldest, 2, { priority: subscriber, paid: false }, { priority: viewer })).toBe('drop-victim');
    expect(admission(dropOldest, 2, unpaidViewer, { priority: subscriber })).toBe('reject');
  });

  it('never drops paid: with nothing droppable an unpaid newcomer is refused, a paid one admitted', () => {
    expect(admission(dropOldest, 2, unpaidViewer, undefined)).toBe('reject');
    expect(admission(dropOldest, 2, { priority: paid, paid: true }, undefined)).toBe('admit');
    expect(admission(dropOldest, 2, { priority: paid, paid: true }, { priority: 900 })).toBe('drop-victim');
  });
});

describe('DurableQueue per-source bounds', () => {
  const twitch = (text: string, extra: Parameters<typeof caption>[1] = {}) =>
    caption(text, { source: 'twitch', user: text, ...extra });

  it('drop-oldest drops the oldest lowest-priority unpaid item of that source, with reason "overflow"', () => {
    const queue = kit.open({ policy: { sourceLimits: { twitch: { maxQueued: 3, overflow: 'drop-oldest' } } } });
    const seen: string[] = [];
    queue.changes$.subscribe((u) => seen.push(`${u.text}:${u.state}:${u.reason ?? ''}`));
    queue.enqueue(twitch('paid-1', { priority: paid, paid: true }));
    queue.enqueue(twitch('sub-1', { priority: subscriber }));
    queue.enqueue(twitch('viewer-1'));
    queue.enqueue(caption('http is another source'));

    const { utterance, dropped } = queue.enqueue(twitch('viewer-2'));
    expect(dropped.map((u: Utterance) => [u.text, u.state, u.reason])).toEqual([['viewer-1', 'dropped', 'overflow']]);
    expect(seen.slice(-2)).toEqual(['viewer-1:dropped:overflow', 'viewer-2:queued:']);
    expect(utterance.state).toBe('queued');

    expect(queue.enqueue(twitch('sub-2', { priority: subscriber })).dropped.map((u) => u.text)).toEqual(['viewer-2']);
    expect(queue.enqueue(twitch('sub-3', { priority: subscriber })).dropped.map((u) => u.text)).toEqual(['sub-1']);
    expect(queue.list({ limit: 10 }).map((u) => u.text)).toEqual(['paid-1', 'sub-2', 'sub-3', 'http is another source']);
  });

  it('never drops paid items: an unpaid newcomer is refused, a paid one admitted over the bound', () => {
    const queue = kit.open({ policy: { sourceLimits: { twitch: { maxQueued: 2, overflow: 'drop-oldest' } } } });
    queue.enqueue(twitch('paid-1', { priority: paid, paid: true }));
    queue.enqueue(twitch('paid-2', { priority: paid, paid: true }));

    const refused = rejection(() => queue.enqueue(twitch('viewer')));
    expect(refused).toMatchObject({ code: 'queue_full', httpStatus: 429 });
    expect(refused.message).toContain('twitch');
    expect(queue.enqueue(twitch('paid-3', { priority: paid, paid: true })).dropped).toEqual([]);
    expect(queue.list({ limit: 10 }).map((u) => u.text)).toEqual(['paid-1', 'paid-2', 'paid-3']);
  });

  it('refuses an unpaid newcomer ranked below everything droppable', () => {
    const queue = kit.open({ policy: { sourceLimits: { twitch: { maxQueued: 1, overflow: 'drop-oldest' } } } });
    queue.enqueue(twitch('sub', { priority: subscriber }));
    rejection(() => queue.enqueue(twitch('viewer')));
    expect(queue.list({ limit: 10 }).map((u) => u.text)).toEqual(['sub']);
  });

  it('reject answers QueueFullError (429, Retry-After) at the source bound and accepts other sources', () => {
    const queue = kit.open({ retryAfterS: 3, policy: { sourceLimits: { http: { maxQueued: 2, overflow: 'reject' } } } });
    queue.enqueue(caption('a', { user: 'a' }));
    queue.enqueue(caption('b', { user: 'b' }));
    expect(rejection(() => queue.enqueue(caption('c', { user: 'c' })))).toMatchObject({ httpStatus: 429, retryAfterS: 3 });
    queue.enqueue(caption('panel', { source: 'panel' }));
    queue.takeNext(); // in flight no longer counts against the source's waiting bound
    expect(queue.enqueue(caption('c', { user: 'c' })).duplicate).toBe(false);
  });

  it('keeps the global bound: a drop-oldest source cannot exceed maxQueued, and nothing is dropped in vain', () => {
    const queue = kit.open({ maxQueued: 2, policy: { sourceLimits: { twitch: { maxQueued: 5, overflow: 'drop-oldest' } } } });
    queue.enqueue(twitch('a'));
    queue.enqueue(twitch('b'));
    rejection(() => queue.enqueue(twitch('c')));
    expect(queue.list({ limit: 10 }).map((u) => `${u.text}:${u.state}`)).toEqual(['a:queued', 'b:queued']);
  });

  it('applies the defaults: twitch and bilibili drop the oldest beyond 50, http has only the global bound', () => {
    const queue = kit.open({ maxQueued: 1_000 });
    for (let i = 0; i < 50; i++) queue.enqueue(twitch(`t${i}`));
    expect(queue.enqueue(twitch('t50')).dropped.map((u) => u.text)).toEqual(['t0']);
    for (let i = 0; i < 60; i++) expect(queue.enqueue(caption(`h${i}`, { user: `h${i}` })).dropped).toEqual([]);
  });
});
