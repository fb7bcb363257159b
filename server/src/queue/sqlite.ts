import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError } from '../core/errors.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS utterances (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT    NOT NULL UNIQUE,
  text           TEXT    NOT NULL,
  user           TEXT    NOT NULL,
  source         TEXT    NOT NULL,
  priority       INTEGER NOT NULL,
  voice          TEXT,
  lang           TEXT,
  state          TEXT    NOT NULL,
  reason         TEXT,
  received_at_ms INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  played_at_ms   INTEGER,
  first_audio_ms INTEGER,
  duration_ms    REAL,
  words_json     TEXT
);
CREATE INDEX IF NOT EXISTS utterances_next ON utterances (state, priority DESC, seq);
CREATE INDEX IF NOT EXISTS utterances_dedupe ON utterances (user, received_at_ms);
CREATE INDEX IF NOT EXISTS utterances_final ON utterances (updated_at_ms, seq)
  WHERE state IN ('played', 'skipped', 'dropped');
`;

/**
 * Opens (creating if needed) the queue database. WAL with synchronous=FULL: a commit is
 * on disk before the call returns, so every accepted caption survives kill -9 and power loss.
 */
export function openDatabase(path: string): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    throw storageError(`cannot open the queue database ${path}`, error);
  }
}

/** Runs `fn`, turning SQLite and file-system failures into StorageError; other errors pass through. */
export function guardStorage<T>(action: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Database.SqliteError) throw storageError(`queue ${action} failed`, error);
    throw error;
  }
}

function storageError(what: string, error: unknown): StorageError {
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message : String(error);
  return new StorageError(`${what}: ${detail}${typeof code === 'string' ? ` (${code})` : ''}${hint(code)}`, {
    cause: error,
  });
}

function hint(code: unknown): string {
  if (typeof code !== 'string') return '';
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') return ' — the disk is full';
  if (/^(SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_PERM|SQLITE_AUTH|EACCES|EPERM|EROFS|ENOTDIR)/.test(code)) {
    return ' — check that the data directory exists and is writable';
  }
  return '';
}
