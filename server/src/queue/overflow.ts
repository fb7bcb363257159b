/** The per-source bound: what happens to a newcomer when its source already has too many waiting. */
import type { SourceLimit } from './policy.ts';

/** 'admit' it, 'drop-victim' (then admit it), or 'reject' it (QueueFullError). */
export type Admission = 'admit' | 'drop-victim' | 'reject';

/**
 * Decides for a newcomer of a source with `waiting` items queued. `victim` is that source's
 * oldest lowest-priority unpaid queued item, if any. Under 'drop-oldest' the lowest priority
 * loses, the newcomer included: a victim ranked above an unpaid newcomer is kept and the
 * newcomer refused. Paid items are never dropped: a paid newcomer with nothing droppable is
 * admitted over the bound.
 */
export function admission(
  limit: SourceLimit | undefined,
  waiting: number,
  newcomer: { priority: number; paid: boolean },
  victim: { priority: number } | undefined,
): Admission {
  if (!limit || waiting < limit.maxQueued) return 'admit';
  if (limit.overflow === 'reject') return 'reject';
  if (victim && (newcomer.paid || victim.priority <= newcomer.priority)) return 'drop-victim';
  return newcomer.paid ? 'admit' : 'reject';
}
