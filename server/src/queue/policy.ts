/** The queue policy: priority classes, time-to-live and per-source bounds, with defaults. */
import { ConfigError } from '../core/errors.ts';
import type { CaptionSourceName } from '../core/types.ts';

/** Highest first. 'paid' is set by money (the `paid` flag), the others by chat roles. */
export const PRIORITY_CLASSES = ['paid', 'moderator', 'subscriber', 'viewer'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** When a source already has `maxQueued` items waiting: refuse the newcomer (429), or drop its oldest lowest-priority unpaid item. */
export interface SourceLimit {
  maxQueued: number;
  overflow: 'reject' | 'drop-oldest';
}

export interface QueuePolicy {
  /** The numeric priority of each class; must be strictly decreasing in PRIORITY_CLASSES order. */
  classes: Record<PriorityClass, number>;
  /** A queued item waiting longer than this is dropped with reason 'expired'; null = never. */
  ttlMs: number | null;
  /** Per-class override of `ttlMs` (null = never expires). */
  ttlMsByClass: Partial<Record<PriorityClass, number | null>>;
  /** Bound on the items waiting per source. Unlisted sources only have the global bound (reject). */
  sourceLimits: Partial<Record<CaptionSourceName, SourceLimit>>;
}

/** What a caller may override; each record is merged key by key over the defaults. */
export interface QueuePolicyInput {
  classes?: Partial<QueuePolicy['classes']>;
  ttlMs?: number | null;
  ttlMsByClass?: QueuePolicy['ttlMsByClass'];
  sourceLimits?: QueuePolicy['sourceLimits'];
}

export const DEFAULT_QUEUE_POLICY: QueuePolicy = {
  classes: { paid: 300, moderator: 200, subscriber: 100, viewer: 0 },
  ttlMs: 120_000,
  ttlMsByClass: { paid: null },
  // http and panel are not listed: a full queue answers 429 there, as the API contract says.
  sourceLimits: {
    twitch: { maxQueued: 50, overflow: 'drop-oldest' },
    bilibili: { maxQueued: 50, overflow: 'drop-oldest' },
  },
};

/** Defaults merged with `input`, validated. Throws ConfigError. */
export function resolvePolicy(input: QueuePolicyInput = {}): QueuePolicy {
  const d = DEFAULT_QUEUE_POLICY;
  const policy: QueuePolicy = {
    classes: { ...d.classes, ...input.classes },
    ttlMs: input.ttlMs === undefined ? d.ttlMs : input.ttlMs,
    ttlMsByClass: { ...d.ttlMsByClass, ...input.ttlMsByClass },
    sourceLimits: { ...d.sourceLimits, ...input.sourceLimits },
  };
  return checkPolicy(policy);
}

/** The class an item counts in for its TTL: paid by its flag, else the highest class its priority reaches. */
export function classOf(item: { priority: number; paid?: boolean }, policy: QueuePolicy): PriorityClass {
  if (item.paid) return 'paid';
  return PRIORITY_CLASSES.find((c) => c !== 'paid' && item.priority >= policy.classes[c]) ?? 'viewer';
}

/** Milliseconds an item may wait before it expires; null = never. */
export function ttlMsFor(item: { priority: number; paid?: boolean }, policy: QueuePolicy): number | null {
  const override = policy.ttlMsByClass[classOf(item, policy)];
  return override === undefined ? policy.ttlMs : override;
}

/** `policy` itself once it is valid: classes strictly decreasing, TTLs > 0 or null, source bounds >= 1. Throws ConfigError. */
export function checkPolicy(policy: QueuePolicy): QueuePolicy {
  PRIORITY_CLASSES.forEach((c, i) => {
    const priority = policy.classes[c];
    if (!Number.isInteger(priority)) throw new ConfigError(`queue policy: classes.${c} must be an integer, got ${priority}`);
    const above = PRIORITY_CLASSES[i - 1];
    if (above !== undefined && priority >= policy.classes[above]) {
      throw new ConfigError(`queue policy: classes.${c} (${priority}) must be below classes.${above} (${policy.classes[above]})`);
    }
  });
  const ttls = Object.entries(policy.ttlMsByClass).map(([c, ttlMs]) => [`ttlMsByClass.${c}`, ttlMs] as const);
  for (const [name, ttlMs] of [['ttlMs', policy.ttlMs] as const, ...ttls]) {
    if (ttlMs !== null && ttlMs !== undefined && !(ttlMs > 0)) throw new ConfigError(`queue policy: ${name} must be > 0 or null, got ${ttlMs}`);
  }
  for (const [source, limit] of Object.entries(policy.sourceLimits)) {
    if (!limit || !Number.isInteger(limit.maxQueued) || limit.maxQueued < 1) {
      throw new ConfigError(`queue policy: sourceLimits.${source}.maxQueued must be an integer >= 1`);
    }
  }
  return policy;
}
