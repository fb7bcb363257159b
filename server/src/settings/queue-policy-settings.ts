/** The queue policy as a run-time setting (queue-policy.json): classes, time-to-live, per-source bounds. */
import { z } from 'zod';
import { checkPolicy, DEFAULT_QUEUE_POLICY, PRIORITY_CLASSES } from '../queue/policy.ts';

const Priority = z.number().int().min(-10_000).max(10_000);
/** Milliseconds; null = never expires. */
const TtlMs = z.number().int().positive().nullable();

export const QueuePolicySettings = z
  .object({
    classes: z
      .object({ paid: Priority, moderator: Priority, subscriber: Priority, viewer: Priority })
      .strict()
      .default(DEFAULT_QUEUE_POLICY.classes),
    ttlMs: TtlMs.default(DEFAULT_QUEUE_POLICY.ttlMs),
    ttlMsByClass: z.partialRecord(z.enum(PRIORITY_CLASSES), TtlMs).default(DEFAULT_QUEUE_POLICY.ttlMsByClass),
    sourceLimits: z
      .record(
        z.string().trim().min(1).max(40),
        z.object({ maxQueued: z.number().int().min(1).max(100_000), overflow: z.enum(['reject', 'drop-oldest']) }).strict(),
      )
      .default(DEFAULT_QUEUE_POLICY.sourceLimits as Record<string, { maxQueued: number; overflow: 'reject' | 'drop-oldest' }>),
  })
  .strict()
  .superRefine((policy, ctx) => {
    try {
      checkPolicy(policy);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

export type QueuePolicySettings = z.output<typeof QueuePolicySettings>;

