/**
 * Fair share inside a priority: round robin across users, persisted (see FAIR_SHARE in
 * sqlite.ts). Each function runs inside the caller's transaction.
 */
import type { UtteranceRow } from './rows.ts';
import type { Statements } from './statements.ts';

/** A user whose readout was cut by a restart ranks before every user ever served (counter >= 1) or never served (0). */
const RESUMED_LAST_SERVED = -1;

/** Users not served within this many takes are forgotten (bounded table): they rank as never served. */
const REMEMBERED_SERVES = 10_000;

/**
 * Moves the next item to 'synthesizing': the highest priority present; inside it the user
 * served least recently (ties: the oldest waiting item); that user's oldest item. Marks the
 * user served now. O(log n): one probe of fair_lanes_next plus primary-key updates.
 */
export function takeFairly(sql: Statements, nowMs: number): UtteranceRow | undefined {
  const lane = sql.nextLane.get();
  if (!lane) return undefined;
  const row = sql.take.get({ nowMs, seq: lane.first_seq })!; // the lane's head is queued: the triggers keep it so
  const served = sql.nextServed.get()!;
  sql.servedUser.run({ user: lane.user, served });
  sql.servedLanes.run(served, lane.user);
  return row;
}

/** Before in-flight items are queued again at startup: their users go first. */
export function resumeInFlightUsersFirst(sql: Statements): void {
  sql.resumeUsersFirst.run({ served: RESUMED_LAST_SERVED });
  sql.resumeLanesFirst.run(RESUMED_LAST_SERVED);
}

/** Keeps fair_users bounded (run with the history prune). */
export function forgetLongServedUsers(sql: Statements): void {
  sql.forgetServedUsers.run(REMEMBERED_SERVES);
}
