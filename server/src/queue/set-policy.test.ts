import { describe, expect, it } from 'vitest';
import { ConfigError, QueueFullError } from '../core/errors.ts';
import { DEFAULT_QUEUE_POLICY, type QueuePolicy } from './policy.ts';
import { caption, queueTestKit } from './test-kit.ts';

const kit = queueTestKit();

describe('setPolicy', () => {
  it('applies new TTLs and source bounds to readouts accepted afterwards', () => {
    let nowMs = 0;
    const queue = kit.open({ now: () => nowMs, policy: { ttlMs: 1_000 } });
    const before = queue.enqueue(caption('before')).utterance;
    const policy: QueuePolicy = { ...DEFAULT_QUEUE_POLICY, ttlMs: 10_000, sourceLimits: { http: { maxQueued: 2, overflow: 'reject' } } };
    queue.setPolicy(policy);
    expect(queue.currentPolicy).toEqual(policy);
    const after = queue.enqueue(caption('after')).utterance;
    expect(() => queue.enqueue(caption('one too many'))).toThrow(QueueFullError);
    nowMs = 5_000;
    expect(queue.expire().map((u) => u.id)).toEqual([before.id]);
    expect(queue.get(after.id)?.state).toBe('queued');
  });

  it('drops a default source bound that the new policy leaves out', () => {
    const queue = kit.open({ maxQueued: 100 });
    queue.setPolicy({ ...DEFAULT_QUEUE_POLICY, sourceLimits: {} });
    for (let i = 0; i < 60; i++) queue.enqueue(caption(`chat ${i}`, { source: 'twitch' }));
    expect(queue.list({ limit: 100 })).toHaveLength(60);
  });

  it('refuses an invalid policy and keeps the one in force', () => {
    const queue = kit.open();
    const bad = { ...DEFAULT_QUEUE_POLICY, classes: { ...DEFAULT_QUEUE_POLICY.classes, viewer: 500 } };
    expect(() => queue.setPolicy(bad)).toThrow(ConfigError);
    expect(queue.currentPolicy).toEqual(DEFAULT_QUEUE_POLICY);
  });
});
