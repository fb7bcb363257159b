import type Database from 'better-sqlite3';
import type { UtteranceState } from '../core/types.ts';
import type { NewRow, UtteranceRow } from './rows.ts';
import { ACTIVE } from './sqlite.ts';

const FINAL = `('played', 'skipped', 'dropped')`;

const INSERT_QUEUED = `INSERT INTO utterances
  (id, text, user, source, priority, voice, instruct, lang, message_id, user_id, paid, state, received_at_ms, updated_at_ms, expires_at_ms)
VALUES (@id, @text, @user, @source, @priority, @voice, @instruct, @lang, @messageId, @userId, @paid, 'queued', @receivedAtMs, @updatedAtMs,
  @expiresAtMs)`;

/** Rows of the settings table (see sqlite.ts). */
type SettingKey = 'paused' | 'served' | 'active';

export type Statements = ReturnType<typeof prepareStatements>;

/** Every statement the queue runs, prepared once. */
export function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[NewRow], UtteranceRow>(`${INSERT_QUEUED} RETURNING *`),
    /** A readout handed over by another process keeps its id; one already here is left alone. */
    insertAdopted: db.prepare<[NewRow], UtteranceRow>(`${INSERT_QUEUED} ON CONFLICT (id) DO NOTHING RETURNING *`),
    active: db.prepare<[], UtteranceRow>(`SELECT * FROM utterances WHERE state IN ${ACTIVE} ORDER BY seq`),
    findDuplicate: db.prepare<[string, string, number], UtteranceRow>(
      `SELECT * FROM utterances WHERE user = ? AND text = ? AND received_at_ms > ? AND state <> 'dropped'
       ORDER BY seq LIMIT 1`,
    ),
    countQueuedByUser: db.prepare<[string], number>(
      `SELECT COUNT(*) FROM utterances WHERE user = ? COLLATE NOCASE AND state = 'queued'`,
    ).pluck(),
    countQueuedFromSource: db.prepare<[string], number>(
      `SELECT COUNT(*) FROM utterances WHERE state = 'queued' AND source = ?`,
    ).pluck(),
    /** The item 'drop-oldest' gives up: the source's oldest lowest-priority unpaid queued one. */
    overflowVictim: db.prepare<[string], UtteranceRow>(
      `SELECT * FROM utterances WHERE state = 'queued' AND source = ? AND paid = 0 ORDER BY priority, seq LIMIT 1`,
    ),
    /** Head of the fair-share order: highest priority, least recently served user, their oldest item. */
    nextLane: db.prepare<[], { user: string; first_seq: number }>(
      `SELECT user, first_seq FROM fair_lanes ORDER BY priority DESC, last_served, first_seq LIMIT 1`,
    ),
    /** wait_ms: received → taken, the time it waited for its turn (an overlay, a free slot, an engine). */
    take: db.prepare<[{ nowMs: number; seq: number }], UtteranceRow>(
      `UPDATE utterances SET state = 'synthesizing', updated_at_ms = @nowMs, wait_ms = MAX(0, @nowMs - received_at_ms)
       WHERE seq = @seq RETURNING *`,
    ),
    nextServed: db.prepare<[], number>(`UPDATE settings SET value = value + 1 WHERE key = 'served' RETURNING value`).pluck(),
    servedUser: db.prepare<[{ user: string; served: number }]>(
      `INSERT INTO fair_users (user, last_served) VALUES (@user, @served)
       ON CONFLICT (user) DO UPDATE SET last_served = @served`,
    ),
    servedLanes: db.prepare<[number, string]>(`UPDATE fair_lanes SET last_served = ? WHERE user = ?`),
    forgetServedUsers: db.prepare<[number]>(
      `DELETE FROM fair_users WHERE last_served < (SELECT value FROM settings WHERE key = 'served') - ?`,
    ),
    expire: db.prepare<[{ nowMs: number }], UtteranceRow>(
      `UPDATE utterances INDEXED BY utterances_expiry SET state = 'dropped', reason = 'expired', updated_at_ms = @nowMs
       WHERE state = 'queued' AND expires_at_ms <= @nowMs RETURNING *`,
    ),
    /**
     * first_audio_ms from when it was taken (received + wait_ms: its turn had come) to the
     * overlay's audible time, clamped to [taken, now] (the overlay's clock may be off).
     */
    markPlaying: db.prepare<[{ nowMs: number; audibleAtMs: number; id: string }], UtteranceRow>(
      `UPDATE utterances SET state = 'playing', updated_at_ms = @nowMs,
         first_audio_ms = MAX(0, MIN(@nowMs, @audibleAtMs) - received_at_ms - COALESCE(wait_ms, 0))
       WHERE id = @id AND state = 'synthesizing' RETURNING *`,
    ),
    markPlayed: db.prepare<[{ id: string; reason: string | null; nowMs: number }], UtteranceRow>(
      `UPDATE utterances SET state = 'played', reason = @reason, played_at_ms = @nowMs, updated_at_ms = @nowMs
       WHERE id = @id AND state IN ('synthesizing', 'playing') RETURNING *`,
    ),
    note: db.prepare<[{ id: string; note: string }]>(`UPDATE utterances SET note = @note WHERE id = @id`),
    recordTimeline: db.prepare<[{ id: string; durationMs: number; wordsJson: string }]>(
      `UPDATE utterances SET duration_ms = @durationMs, words_json = @wordsJson WHERE id = @id`,
    ),
    finish: db.prepare<[UtteranceState, string, number, string], UtteranceRow>(
      `UPDATE utterances SET state = ?, reason = ?, updated_at_ms = ? WHERE id = ? AND state IN ${ACTIVE} RETURNING *`,
    ),
    get: db.prepare<[string], UtteranceRow>(`SELECT * FROM utterances WHERE id = ?`),
    list: db.prepare<[string, number], UtteranceRow>(
      `SELECT * FROM utterances WHERE state IN (SELECT value FROM json_each(?))
       ORDER BY CASE state WHEN 'playing' THEN 0 WHEN 'synthesizing' THEN 1 WHEN 'queued' THEN 2 ELSE 3 END,
         CASE WHEN state IN ${ACTIVE} THEN priority END DESC,
         CASE WHEN state IN ${ACTIVE} THEN seq ELSE -seq END
       LIMIT ?`,
    ),
    history: db.prepare<[number, number], UtteranceRow>(
      `SELECT * FROM (
         SELECT * FROM utterances INDEXED BY utterances_final WHERE state IN ${FINAL} AND updated_at_ms >= ?
         ORDER BY updated_at_ms DESC, seq DESC LIMIT ?
       ) ORDER BY updated_at_ms, seq`,
    ),
    /** Before recover: users whose readouts were cut by the restart are served first again. */
    resumeUsersFirst: db.prepare<[{ served: number }]>(
      `INSERT INTO fair_users (user, last_served)
         SELECT DISTINCT user, @served FROM utterances WHERE state IN ('synthesizing', 'playing')
       ON CONFLICT (user) DO UPDATE SET last_served = @served`,
    ),
    resumeLanesFirst: db.prepare<[number]>(
      `UPDATE fair_lanes SET last_served = ?
       WHERE user IN (SELECT user FROM utterances WHERE state IN ('synthesizing', 'playing'))`,
    ),
    requeue: db.prepare<[{ nowMs: number; id: string }], UtteranceRow>(
      `UPDATE utterances SET state = 'queued', updated_at_ms = @nowMs WHERE id = @id AND state = 'synthesizing' RETURNING *`,
    ),
    recover: db.prepare<[number], UtteranceRow>(
      `UPDATE utterances SET state = 'queued', updated_at_ms = ? WHERE state IN ('synthesizing', 'playing') RETURNING *`,
    ),
    /** A user by name (any source), or by their platform id on one source (names may differ from logins). */
    activeOfUser: db.prepare<[{ user: string; source: string | null; userId: string | null }], UtteranceRow>(
      `SELECT * FROM utterances
       WHERE (user = @user COLLATE NOCASE OR (user_id = @userId AND source = @source)) AND state IN ${ACTIVE} ORDER BY seq`,
    ),
    activeOfMessage: db.prepare<[string], UtteranceRow>(
      `SELECT * FROM utterances WHERE message_id = ? AND state IN ${ACTIVE} ORDER BY seq`,
    ),
    clear: db.prepare<[{ reason: string; nowMs: number; includePaid: 0 | 1 }], UtteranceRow>(
      `UPDATE utterances SET state = 'skipped', reason = @reason, updated_at_ms = @nowMs
       WHERE state = 'queued' AND (paid = 0 OR @includePaid) RETURNING *`,
    ),
    countQueuedPaid: db.prepare<[], number>(`SELECT COUNT(*) FROM utterances WHERE state = 'queued' AND paid = 1`).pluck(),
    getSetting: db.prepare<[SettingKey], number>(`SELECT value FROM settings WHERE key = ?`).pluck(),
    setSetting: db.prepare<[number, SettingKey]>(`UPDATE settings SET value = ? WHERE key = ?`),
    prune: db.prepare<[number]>(
      `DELETE FROM utterances WHERE seq IN (
         SELECT seq FROM utterances INDEXED BY utterances_final WHERE state IN ${FINAL} ORDER BY updated_at_ms DESC, seq DESC LIMIT -1 OFFSET ?
       )`,
    ),
  };
}
