import { closeSync, fsync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError } from '../core/errors.ts';

/** SQL list of the active states (an item in one of them counts against maxQueued). */
export const ACTIVE = `('queued', 'synthesizing', 'playing')`;

const UTTERANCES = `
CREATE TABLE IF NOT EXISTS utterances (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT    NOT NULL UNIQUE,
  text           TEXT    NOT NULL,
  user           TEXT    NOT NULL,
  source         TEXT    NOT NULL,
  priority       INTEGER NOT NULL,
  voice          TEXT,
  instruct       TEXT,
  lang           TEXT,
  message_id     TEXT,
  user_id        TEXT,
  paid           INTEGER NOT NULL DEFAULT 0,
  state          TEXT    NOT NULL,
  reason         TEXT,
  received_at_ms INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  expires_at_ms  INTEGER,
  played_at_ms   INTEGER,
  first_audio_ms INTEGER,
  wait_ms        INTEGER,
  duration_ms    REAL,
  words_json     TEXT,
  note           TEXT
);
CREATE INDEX IF NOT EXISTS utterances_next ON utterances (state, priority DESC, seq);
CREATE INDEX IF NOT EXISTS utterances_dedupe ON utterances (user, received_at_ms);
CREATE INDEX IF NOT EXISTS utterances_final ON utterances (updated_at_ms, seq)
  WHERE state IN ('played', 'skipped', 'dropped');
CREATE INDEX IF NOT EXISTS utterances_lane ON utterances (user, priority, seq) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS utterances_source ON utterances (source, paid, priority, seq) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS utterances_expiry ON utterances (expires_at_ms) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS utterances_user ON utterances (user COLLATE NOCASE, state);
CREATE INDEX IF NOT EXISTS utterances_message ON utterances (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS utterances_user_id ON utterances (source, user_id) WHERE user_id IS NOT NULL;
`;

/**
 * Small persisted values: 'paused' (0/1), 'served' (the fair-share serve counter) and
 * 'active' (readouts queued, synthesizing or playing: kept by triggers so the global bound
 * is checked in O(1), not by counting up to maxQueued rows on every enqueue).
 */
const SETTINGS = `
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO settings (key, value) VALUES ('paused', 0), ('served', 0), ('active', 0);
CREATE TRIGGER IF NOT EXISTS count_active_on_insert AFTER INSERT ON utterances WHEN NEW.state IN ${ACTIVE} BEGIN
  UPDATE settings SET value = value + 1 WHERE key = 'active';
END;
CREATE TRIGGER IF NOT EXISTS count_active_on_finish AFTER UPDATE OF state ON utterances
WHEN OLD.state IN ${ACTIVE} AND NEW.state NOT IN ${ACTIVE} BEGIN
  UPDATE settings SET value = value - 1 WHERE key = 'active';
END;
`;

/**
 * Fair share. fair_users: when each user was last served (the 'served' counter at that take;
 * 0 = never or long ago: see forgetLongServedUsers).
 * fair_lanes: one row per (user, priority) with queued items, carrying the user's last_served
 * and the lane's oldest queued seq, so the next item is one index probe on fair_lanes_next:
 * highest priority, least recently served user, their oldest item. The triggers keep the
 * lanes in step with every state change into or out of 'queued', whatever statement made it.
 */
const FAIR_SHARE = `
CREATE TABLE IF NOT EXISTS fair_users (user TEXT PRIMARY KEY, last_served INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fair_users_served ON fair_users (last_served);
CREATE TABLE IF NOT EXISTS fair_lanes (
  user        TEXT    NOT NULL,
  priority    INTEGER NOT NULL,
  last_served INTEGER NOT NULL,
  first_seq   INTEGER NOT NULL,
  PRIMARY KEY (user, priority)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fair_lanes_next ON fair_lanes (priority DESC, last_served, first_seq);
${laneEnterTrigger('lane_enter_on_insert', `AFTER INSERT ON utterances WHEN NEW.state = 'queued'`)}
${laneEnterTrigger('lane_enter_on_requeue', `AFTER UPDATE OF state ON utterances WHEN NEW.state = 'queued' AND OLD.state <> 'queued'`)}
CREATE TRIGGER IF NOT EXISTS lane_leave AFTER UPDATE OF state ON utterances
WHEN OLD.state = 'queued' AND NEW.state <> 'queued' BEGIN
  DELETE FROM fair_lanes WHERE user = OLD.user AND priority = OLD.priority AND NOT EXISTS (
    SELECT 1 FROM utterances WHERE state = 'queued' AND user = OLD.user AND priority = OLD.priority);
  UPDATE fair_lanes SET first_seq = (
    SELECT MIN(seq) FROM utterances WHERE state = 'queued' AND user = OLD.user AND priority = OLD.priority)
  WHERE user = OLD.user AND priority = OLD.priority AND first_seq = OLD.seq;
END;
`;

function laneEnterTrigger(name: string, when: string): string {
  return `CREATE TRIGGER IF NOT EXISTS ${name} ${when} BEGIN
  INSERT INTO fair_lanes (user, priority, last_served, first_seq)
  VALUES (NEW.user, NEW.priority, COALESCE((SELECT last_served FROM fair_users WHERE user = NEW.user), 0), NEW.seq)
  ON CONFLICT (user, priority) DO UPDATE SET first_seq = MIN(first_seq, excluded.first_seq);
END;`;
}

const SCHEMA = UTTERANCES + SETTINGS + FAIR_SHARE;

/**
 * Columns added to `utterances` after its first release: a database file from before gets
 * them (NULL in every old row) when it is opened. SQLite's ALTER TABLE ADD COLUMN only
 * changes the schema, so this is cheap on any size of file.
 */
const ADDED_COLUMNS: readonly { name: string; type: 'TEXT' | 'INTEGER' }[] = [
  { name: 'instruct', type: 'TEXT' },
  { name: 'note', type: 'TEXT' },
  { name: 'wait_ms', type: 'INTEGER' },
];

function addMissingColumns(db: Database.Database): void {
  const present = new Set(db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('utterances')`).all().map((c) => c.name));
  for (const { name, type } of ADDED_COLUMNS) {
    if (!present.has(name)) db.exec(`ALTER TABLE utterances ADD COLUMN ${name} ${type}`);
  }
}

/**
 * Opens (creating if needed) the queue database. WAL with synchronous=NORMAL: a commit is in
 * the WAL file (the OS has it: it survives kill -9) when the call returns, without waiting
 * for the disk; what must survive a power cut is then fsynced off the event loop by the
 * queue's group sync (walFile, group-sync.ts). SQLite itself still syncs around checkpoints.
 */
export function openDatabase(path: string): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.transaction(() => {
      db.exec(SCHEMA);
      addMissingColumns(db);
    }).immediate();
    return db;
  } catch (error) {
    throw storageError(`cannot open the queue database ${path}`, error);
  }
}

/** The database's WAL file, flushed to disk on demand. */
export interface WalFile {
  /** fsync on libuv's thread pool: every commit made before the call is on disk when it resolves. Rejects StorageError. */
  flush(): Promise<void>;
  /** The same, blocking the caller. Throws StorageError. */
  flushSync(): void;
  /** Closes the file once no flush is running any more. */
  close(): void;
}

/**
 * The WAL file of the database at `path`, opened once the database is (its schema
 * transaction created the file). SQLite keeps this same file (same inode) while any
 * connection is open: it rewinds it after a checkpoint, never deletes it, so an fsync of
 * this descriptor covers every later commit. Its directory entry is made durable here, once,
 * as SQLite would at the WAL's first synced commit. ':memory:' has no file: flushes resolve at once.
 */
export function openWalFile(path: string): WalFile {
  if (path === ':memory:') return { flush: () => Promise.resolve(), flushSync: () => undefined, close: () => undefined };
  const walPath = `${path}-wal`;
  const fd = guardFile(`open ${walPath}`, () => openSync(walPath, 'r'));
  let running = 0;
  let closing = false;
  const closeWhenIdle = () => {
    if (closing && running === 0) closeSync(fd);
  };
  try {
    fsyncSync(fd);
    const dir = openSync(dirname(walPath), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch (error) {
    closeSync(fd);
    throw storageError(`cannot sync ${walPath}`, error);
  }
  return {
    flush: () => {
      if (closing) return Promise.reject(new StorageError(`${walPath} is closed`));
      running += 1;
      return new Promise<void>((resolve, reject) => {
        fsync(fd, (error) => {
          running -= 1;
          closeWhenIdle();
          if (error) reject(storageError(`cannot sync ${walPath} to disk`, error));
          else resolve();
        });
      });
    },
    flushSync: () => guardFile(`sync ${walPath}`, () => fsyncSync(fd)),
    close: () => {
      if (closing) return;
      closing = true;
      closeWhenIdle();
    },
  };
}

function guardFile<T>(action: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw storageError(`cannot ${action}`, error);
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
  if (code.startsWith('SQLITE_IOERR')) return ' — the data directory could not be written (read-only, full or failing disk?)';
  if (/^(SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_PERM|SQLITE_AUTH|EACCES|EPERM|EROFS|ENOTDIR)/.test(code)) {
    return ' — check that the data directory exists and is writable';
  }
  return '';
}
