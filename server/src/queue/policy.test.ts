import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { classOf, DEFAULT_QUEUE_POLICY, resolvePolicy, ttlMsFor } from './policy.ts';

describe('resolvePolicy', () => {
  it('merges each record key by key over the defaults', () => {
    const policy = resolvePolicy({
      classes: { viewer: -10 },
      ttlMsByClass: { viewer: 30_000 },
      sourceLimits: { http: { maxQueued: 20, overflow: 'reject' } },
    });
    expect(policy.classes).toEqual({ ...DEFAULT_QUEUE_POLICY.classes, viewer: -10 });
    expect(policy.ttlMs).toBe(120_000);
    expect(policy.ttlMsByClass).toEqual({ paid: null, viewer: 30_000 });
    expect(Object.keys(policy.sourceLimits).sort()).toEqual(['bilibili', 'http', 'twitch']);
    expect(resolvePolicy({ ttlMs: null }).ttlMs).toBeNull();
  });

  it('refuses classes out of order, bad TTLs and bounds with a ConfigError', () => {
    expect(() => resolvePolicy({ classes: { subscriber: 200 } })).toThrow(ConfigError);
    expect(() => resolvePolicy({ classes: { subscriber: 200 } })).toThrow(/classes.subscriber \(200\) must be below classes.moderator \(200\)/);
    expect(() => resolvePolicy({ classes: { viewer: 0.5 } })).toThrow(/integer/);
    expect(() => resolvePolicy({ ttlMs: 0 })).toThrow(/ttlMs must be > 0 or null/);
    expect(() => resolvePolicy({ ttlMsByClass: { moderator: -1 } })).toThrow(/ttlMsByClass.moderator/);
    expect(() => resolvePolicy({ sourceLimits: { twitch: { maxQueued: 0, overflow: 'reject' } } })).toThrow(/sourceLimits.twitch.maxQueued/);
  });
});

describe('classOf / ttlMsFor', () => {
  const policy = resolvePolicy({ ttlMsByClass: { moderator: 600_000 } });

  it('classes a paid item as paid, others by the highest class their priority reaches', () => {
    expect(classOf({ priority: 0, paid: true }, policy)).toBe('paid');
    expect(classOf({ priority: 1_000 }, policy)).toBe('moderator');
    expect(classOf({ priority: 200 }, policy)).toBe('moderator');
    expect(classOf({ priority: 199 }, policy)).toBe('subscriber');
    expect(classOf({ priority: 0 }, policy)).toBe('viewer');
    expect(classOf({ priority: -5 }, policy)).toBe('viewer');
  });

  it('gives each class its TTL: override, else ttlMs', () => {
    expect(ttlMsFor({ priority: 300, paid: true }, policy)).toBeNull();
    expect(ttlMsFor({ priority: 200 }, policy)).toBe(600_000);
    expect(ttlMsFor({ priority: 100 }, policy)).toBe(120_000);
  });
});
