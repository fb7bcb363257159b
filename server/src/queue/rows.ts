import type { HistoryEntry } from '../core/history.ts';
import type { TimedWord, Utterance, UtteranceState } from '../core/types.ts';

/** One row of the `utterances` table, as `SELECT *` returns it. */
export interface UtteranceRow {
  seq: number;
  id: string;
  text: string;
  user: string;
  source: string;
  priority: number;
  voice: string | null;
  lang: string | null;
  message_id: string | null;
  paid: 0 | 1;
  state: UtteranceState;
  reason: string | null;
  received_at_ms: number;
  updated_at_ms: number;
  /** Null = never expires. */
  expires_at_ms: number | null;
  played_at_ms: number | null;
  first_audio_ms: number | null;
  duration_ms: number | null;
  words_json: string | null;
}

export function toUtterance(row: UtteranceRow): Utterance {
  const utterance: Utterance = {
    id: row.id,
    text: row.text,
    user: row.user,
    source: row.source,
    priority: row.priority,
    receivedAtMs: row.received_at_ms,
    state: row.state,
    updatedAtMs: row.updated_at_ms,
  };
  if (row.voice !== null) utterance.voice = row.voice;
  if (row.lang !== null) utterance.lang = row.lang;
  if (row.message_id !== null) utterance.messageId = row.message_id;
  if (row.paid === 1) utterance.paid = true;
  if (row.reason !== null) utterance.reason = row.reason;
  if (row.first_audio_ms !== null) utterance.firstAudioMs = row.first_audio_ms;
  return utterance;
}

export function toHistoryEntry(row: UtteranceRow): HistoryEntry {
  const entry: HistoryEntry = { ...toUtterance(row), words: parseWords(row.words_json) };
  if (row.played_at_ms !== null) entry.playedAtMs = row.played_at_ms;
  if (row.duration_ms !== null) entry.durationMs = row.duration_ms;
  return entry;
}

function parseWords(json: string | null): TimedWord[] {
  return json === null ? [] : (JSON.parse(json) as TimedWord[]);
}
