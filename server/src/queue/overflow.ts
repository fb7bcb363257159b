/** The per-source bound: what happens to a newcomer when its source already has too many waiting. */
import { QueueFullError } from '../core/errors.ts';
import type { CaptionEvent } from '../core/types.ts';
import type { QueuePolicy, SourceLimit } from './policy.ts';
import type { UtteranceRow } from './rows.ts';
import type { Statements } from './statements.ts';

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

/**
 * Applies the newcomer's source bound inside the enqueue transaction (a later rejection rolls
 * the drop back). Returns the item dropped with reason 'overflow', if any; throws QueueFullError.
 */
export function makeRoomInSource(
  sql: Statements,
  policy: QueuePolicy,
  event: CaptionEvent,
  nowMs: number,
  retryAfterS: number,
): UtteranceRow[] {
  const limit = Object.hasOwn(policy.sourceLimits, event.source) ? policy.sourceLimits[event.source] : undefined;
  if (!limit) return [];
  const waiting = sql.countQueuedFromSource.get(event.source)!;
  const victim = sql.overflowVictim.get(event.source);
  switch (admission(limit, waiting, { priority: event.priority, paid: event.paid === true }, victim)) {
    case 'admit':
      return [];
    case 'drop-victim':
      return [sql.finish.get('dropped', 'overflow', nowMs, victim!.id)!];
    case 'reject':
      throw new QueueFullError(
        retryAfterS,
        `too many readouts from ${event.source} waiting (${waiting} of ${limit.maxQueued}), try again in ${retryAfterS} s`,
      );
  }
}
