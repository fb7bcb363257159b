/**
 * The library on disk, under `<data dir>/voices/`: each sample a normalized WAV file
 * (`<id hex>.wav`, written to a temp file and renamed), and the index a `voices` table in
 * its own SQLite file (`library.db`: WAL, synchronous=FULL). SQLite rather
 * than a JSON index: a unique index on the folded name refuses a duplicate in the same
 * atomic commit that adds the voice, and a crash leaves either the old or the new index.
 * A WAV is written before its row and deleted after it, so a row never points at nothing;
 * WAVs without a row (a crash in between) are removed when the store opens.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError, ValidationError } from '../core/errors.ts';

export interface StoredVoice {
  /** `clone:<16 hex>`. */
  id: string;
  name: string;
  engine: string;
  promptText: string;
  language?: string;
  createdAtMs: number;
  durationMs: number;
  /** Enrolled upstream (DashScope): its voice id and the model it is bound to. */
  enrolledVoiceId?: string;
  targetModel?: string;
}

interface VoiceRow {
  id: string;
  name: string;
  engine: string;
  prompt_text: string;
  language: string | null;
  created_at_ms: number;
  duration_ms: number;
  enrolled_voice_id: string | null;
  target_model: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS voices (
  id                TEXT    PRIMARY KEY,
  name              TEXT    NOT NULL,
  name_key          TEXT    NOT NULL UNIQUE,
  engine            TEXT    NOT NULL,
  prompt_text       TEXT    NOT NULL,
  language          TEXT,
  created_at_ms     INTEGER NOT NULL,
  duration_ms       INTEGER NOT NULL,
  enrolled_voice_id TEXT,
  target_model      TEXT
);
`;

const ID_PREFIX = 'clone:';

/** Names compare case-insensitively (and across Unicode compatibility forms). */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

export function newVoiceId(): string {
  return ID_PREFIX + randomBytes(8).toString('hex');
}

const fromRow = (row: VoiceRow): StoredVoice => ({
  id: row.id,
  name: row.name,
  engine: row.engine,
  promptText: row.prompt_text,
  ...(row.language === null ? {} : { language: row.language }),
  createdAtMs: row.created_at_ms,
  durationMs: row.duration_ms,
  ...(row.enrolled_voice_id === null ? {} : { enrolledVoiceId: row.enrolled_voice_id }),
  ...(row.target_model === null ? {} : { targetModel: row.target_model }),
});

function storageGuard<T>(action: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new StorageError(`voice library: ${action} failed: ${(err as Error).message}`, { cause: err });
  }
}

export class VoiceStore {
  private readonly db: Database.Database;
  /** Every voice by id, in creation order (at most maxVoices rows). */
  private readonly voices = new Map<string, StoredVoice>();

  constructor(
    private readonly dir: string,
    readonly maxVoices: number,
  ) {
    this.db = storageGuard('opening', () => {
      mkdirSync(dir, { recursive: true });
      const db = new Database(join(dir, 'library.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      return db;
    });
    const rows = this.db.prepare('SELECT * FROM voices ORDER BY rowid').all() as VoiceRow[];
    for (const row of rows) this.voices.set(row.id, fromRow(row));
    this.removeOrphans();
  }

  list(): StoredVoice[] {
    return [...this.voices.values()];
  }

  get size(): number {
    return this.voices.size;
  }

  byId(id: string): StoredVoice | undefined {
    return this.voices.get(id);
  }

  byName(name: string): StoredVoice | undefined {
    const key = nameKey(name);
    return this.list().find((v) => nameKey(v.name) === key);
  }

  /** Writes the WAV, then the row; throws ValidationError (409) on a taken name or a full library. */
  add(voice: StoredVoice, wav: Uint8Array): void {
    storageGuard('saving a voice', () => {
      const path = this.wavPath(voice.id);
      writeFileSync(`${path}.tmp`, wav);
      renameSync(`${path}.tmp`, path);
      try {
        this.db.transaction(() => {
          const { count } = this.db.prepare('SELECT COUNT(*) AS count FROM voices').get() as { count: number };
          if (count >= this.maxVoices) throw new ValidationError('library_full', `the library holds ${this.maxVoices} voices; delete one first`, 409);
          this.db
            .prepare(
              `INSERT INTO voices (id, name, name_key, engine, prompt_text, language, created_at_ms, duration_ms, enrolled_voice_id, target_model)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(voice.id, voice.name, nameKey(voice.name), voice.engine, voice.promptText, voice.language ?? null, voice.createdAtMs, voice.durationMs, voice.enrolledVoiceId ?? null, voice.targetModel ?? null);
        })();
      } catch (err) {
        rmSync(path, { force: true });
        if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new ValidationError('name_taken', `a voice named "${voice.name}" already exists`, 409);
        }
        throw err;
      }
      this.voices.set(voice.id, voice);
    });
  }

  /** False when there is no such voice. */
  remove(id: string): boolean {
    if (!this.voices.has(id)) return false;
    storageGuard('deleting a voice', () => {
      this.db.prepare('DELETE FROM voices WHERE id = ?').run(id);
      this.voices.delete(id);
      rmSync(this.wavPath(id), { force: true });
    });
    return true;
  }

  /** The stored 16 kHz mono WAV of a voice. */
  readWav(id: string): Uint8Array {
    return storageGuard(`reading the sample of ${id}`, () => readFileSync(this.wavPath(id)));
  }

  close(): void {
    this.db.close();
  }

  private wavPath(id: string): string {
    return join(this.dir, `${id.slice(ID_PREFIX.length)}.wav`);
  }

  private removeOrphans(): void {
    const kept = new Set(this.list().map((v) => `${v.id.slice(ID_PREFIX.length)}.wav`));
    for (const file of readdirSync(this.dir)) {
      if ((file.endsWith('.wav') && !kept.has(file)) || file.endsWith('.wav.tmp')) rmSync(join(this.dir, file), { force: true });
    }
  }

  /** Voices whose WAV file is gone (restored from an incomplete backup, say). */
  missingSamples(): StoredVoice[] {
    return this.list().filter((v) => !existsSync(this.wavPath(v.id)));
  }
}
