import type { HistoryEntry } from '../core/history.ts';
import type { CaptionEvent, PendingReadout, TimedWord, Utterance, UtteranceState } from '../core/types.ts';

/** One row of the `utterances` table, as `SELECT *` returns it. */
export interface UtteranceRow {
  seq: number;
  id: string;
  text: string;
  user: string;
  source: string;
  priority: number;
  voice: string | null;
  instruct: string | null;
  lang: string | null;
  message_id: string | null;
  user_id: string | null;
  paid: 0 | 1;
  state: UtteranceState;
  reason: string | null;
  received_at_ms: number;
  updated_at_ms: number;
  /** Null = never expires. */
  expires_at_ms: number | null;
  played_at_ms: number | null;
  first_audio_ms: number | null;
  wait_ms: number | null;
  duration_ms: number | null;
  words_json: string | null;
  note: string | null;
}

export function toUtterance(row: UtteranceRow): Utterance {
  const utterance: Utterance = { id: row.id, ...captionOf(row), state: row.state, updatedAtMs: row.updated_at_ms };
  if (row.reason !== null) utterance.reason = row.reason;
  if (row.first_audio_ms !== null) utterance.firstAudioMs = row.first_audio_ms;
  if (row.wait_ms !== null) utterance.waitMs = row.wait_ms;
  if (row.note !== null) utterance.note = row.note;
  return utterance;
}

/** The caption a row holds (its platform user id only where asked: it stays inside the relay). */
function captionOf(row: UtteranceRow): CaptionEvent {
  const caption: CaptionEvent = {
    text: row.text,
    user: row.user,
    source: row.source,
    priority: row.priority,
    receivedAtMs: row.received_at_ms,
  };
  if (row.voice !== null) caption.voice = row.voice;
  if (row.instruct !== null) caption.instruct = row.instruct;
  if (row.lang !== null) caption.lang = row.lang;
  if (row.message_id !== null) caption.messageId = row.message_id;
  if (row.paid === 1) caption.paid = true;
  return caption;
}

export function toHistoryEntry(row: UtteranceRow): HistoryEntry {
  const entry: HistoryEntry = { ...toUtterance(row), words: parseWords(row.words_json) };
  if (row.played_at_ms !== null) entry.playedAtMs = row.played_at_ms;
  if (row.duration_ms !== null) entry.durationMs = row.duration_ms;
  return entry;
}

export type ListedReadout = Utterance & Pick<HistoryEntry, 'durationMs'>;

/** A readout as the queue lists it: with its audio duration once recorded (played ones too). */
export function toListedReadout(row: UtteranceRow): ListedReadout {
  const utterance: ListedReadout = toUtterance(row);
  if (row.duration_ms !== null) utterance.durationMs = row.duration_ms;
  return utterance;
}

function parseWords(json: string | null): TimedWord[] {
  return json === null ? [] : (JSON.parse(json) as TimedWord[]);
}

export function toPendingReadout(row: UtteranceRow): PendingReadout {
  const readout: PendingReadout = { id: row.id, ...captionOf(row), expiresAtMs: row.expires_at_ms };
  if (row.user_id !== null) readout.userId = row.user_id;
  return readout;
}

/** The insert statements' parameters: the columns a new queued readout is given. */
export interface NewRow extends Pick<CaptionEvent, 'text' | 'user' | 'source' | 'priority' | 'receivedAtMs'> {
  id: string;
  voice: string | null;
  instruct: string | null;
  lang: string | null;
  messageId: string | null;
  userId: string | null;
  paid: 0 | 1;
  updatedAtMs: number;
  expiresAtMs: number | null;
}

/** The row a new queued readout is inserted as. */
export function newRow(readout: PendingReadout, updatedAtMs: number): NewRow {
  return {
    id: readout.id,
    text: readout.text,
    user: readout.user,
    source: readout.source,
    priority: readout.priority,
    voice: readout.voice ?? null,
    instruct: readout.instruct ?? null,
    lang: readout.lang ?? null,
    messageId: readout.messageId ?? null,
    userId: readout.userId ?? null,
    paid: readout.paid ? 1 : 0,
    receivedAtMs: readout.receivedAtMs,
    updatedAtMs,
    expiresAtMs: readout.expiresAtMs,
  };
}
