import type Database from 'better-sqlite3';
import type { CaptionEvent, UtteranceState } from '../core/types.ts';
import type { UtteranceRow } from './rows.ts';

const ACTIVE = `('queued', 'synthesizing', 'playing')`;
const FINAL = `('played', 'skipped', 'dropped')`;

interface NewRow extends Omit<CaptionEvent, 'voice' | 'lang'> {
  id: string;
  voice: string | null;
  lang: string | null;
  updatedAtMs: number;
}

export type Statements = ReturnType<typeof prepareStatements>;

/** Every statement the queue runs, prepared once. */
export function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[NewRow], UtteranceRow>(
      `INSERT INTO utterances (id, text, user, source, priority, voice, lang, state, received_at_ms, updated_at_ms)
       VALUES (@id, @text, @user, @source, @priority, @voice, @lang, 'queued', @receivedAtMs, @updatedAtMs)
       RETURNING *`,
    ),
    findDuplicate: db.prepare<[string, string, number], UtteranceRow>(
      `SELECT * FROM utterances WHERE user = ? AND text = ? AND received_at_ms > ? AND state <> 'dropped'
       ORDER BY seq LIMIT 1`,
    ),
    countActive: db.prepare(`SELECT COUNT(*) FROM utterances WHERE state IN ${ACTIVE}`).pluck(),
    takeNext: db.prepare<[number], UtteranceRow>(
      `UPDATE utterances SET state = 'synthesizing', updated_at_ms = ?
       WHERE seq = (SELECT seq FROM utterances WHERE state = 'queued' ORDER BY priority DESC, seq LIMIT 1)
       RETURNING *`,
    ),
    markPlaying: db.prepare<[{ nowMs: number; id: string }], UtteranceRow>(
      `UPDATE utterances SET state = 'playing', updated_at_ms = @nowMs, first_audio_ms = @nowMs - received_at_ms
       WHERE id = @id AND state = 'synthesizing' RETURNING *`,
    ),
    markPlayed: db.prepare<
      [{ id: string; reason: string | null; durationMs: number | null; wordsJson: string | null; nowMs: number }],
      UtteranceRow
    >(
      `UPDATE utterances SET state = 'played', reason = @reason, duration_ms = @durationMs, words_json = @wordsJson,
         played_at_ms = @nowMs, updated_at_ms = @nowMs
       WHERE id = @id AND state IN ('synthesizing', 'playing') RETURNING *`,
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
    recover: db.prepare<[number], UtteranceRow>(
      `UPDATE utterances SET state = 'queued', updated_at_ms = ? WHERE state IN ('synthesizing', 'playing') RETURNING *`,
    ),
    prune: db.prepare<[number]>(
      `DELETE FROM utterances WHERE seq IN (
         SELECT seq FROM utterances INDEXED BY utterances_final WHERE state IN ${FINAL} ORDER BY updated_at_ms DESC, seq DESC LIMIT -1 OFFSET ?
       )`,
    ),
  };
}
