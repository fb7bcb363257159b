/**
 * The speech log: final lines recognized from the streamer's voice (with their word timings
 * and translation), kept in their own SQLite file so subtitles of a stream survive a restart.
 * A sink: it records the `subtitle:line` finals that carry a recognizer's timing, as they
 * went out to the overlays (muted lines are not shown, so not recorded). Bounded: the oldest
 * lines beyond `maxLines` are deleted. Not fsynced (WAL, synchronous=NORMAL): a power cut may
 * lose the last lines, a crash loses none.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SpokenLine } from '../core/history.ts';
import type { Logger } from '../core/logger.ts';
import type { CaptionSink, ReadoutFeed } from '../core/sink.ts';
import type { Unsubscribable } from 'rxjs';
import type { TimedWord } from '../core/types.ts';

const SCHEMA = `CREATE TABLE IF NOT EXISTS spoken_lines (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL,
  lang TEXT,
  started_at_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  words TEXT NOT NULL,
  translation_lang TEXT,
  translation_text TEXT
);
CREATE INDEX IF NOT EXISTS spoken_lines_started ON spoken_lines (started_at_ms);`;

interface Row {
  id: string;
  text: string;
  lang: string | null;
  started_at_ms: number;
  duration_ms: number;
  words: string;
  translation_lang: string | null;
  translation_text: string | null;
}

export class SpeechLog implements CaptionSink {
  readonly name = 'speech-log';
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly trim: Database.Statement;
  private readonly since: Database.Statement<[number, number], Row>;
  private inserted = 0;

  constructor(
    path: string,
    private readonly log: Logger,
    private readonly maxLines = 20_000,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      `INSERT OR REPLACE INTO spoken_lines (id, text, lang, started_at_ms, duration_ms, words, translation_lang, translation_text)
       VALUES (@id, @text, @lang, @startedAtMs, @durationMs, @words, @translationLang, @translationText)`,
    );
    this.trim = this.db.prepare('DELETE FROM spoken_lines WHERE seq <= (SELECT MAX(seq) FROM spoken_lines) - ?');
    this.since = this.db.prepare<[number, number], Row>('SELECT * FROM spoken_lines WHERE started_at_ms >= ? ORDER BY started_at_ms DESC, seq DESC LIMIT ?');
  }

  record(line: SpokenLine): void {
    this.insert.run({
      id: line.id,
      text: line.text,
      lang: line.lang ?? null,
      startedAtMs: Math.round(line.startedAtMs),
      durationMs: Math.round(line.durationMs),
      words: JSON.stringify(line.words),
      translationLang: line.translation?.lang ?? null,
      translationText: line.translation?.text ?? null,
    });
    if (++this.inserted % 100 === 0) this.trim.run(this.maxLines);
  }

  /** The `limit` most recent lines (spoken at or after `sinceMs`), oldest first. */
  recent({ limit, sinceMs = 0 }: { limit: number; sinceMs?: number }): SpokenLine[] {
    return this.since.all(sinceMs, limit).reverse().map(fromRow);
  }

  attach(feed: ReadoutFeed): Unsubscribable {
    return feed.events$.subscribe((event) => {
      if (event.type !== 'subtitle:line') return;
      const e = event.data;
      if (!e.final || e.startedAtMs === undefined || e.durationMs === undefined || e.text.trim() === '') return;
      try {
        this.record({
          id: e.id,
          text: e.text,
          ...(e.lang !== undefined && { lang: e.lang }),
          startedAtMs: e.startedAtMs,
          durationMs: e.durationMs,
          words: e.words ?? [],
          ...(e.translation !== undefined && { translation: e.translation }),
        });
      } catch (err) {
        // The line was shown; only the subtitle file misses it.
        this.log.error({ id: e.id, err }, 'cannot record a recognized line in the speech log');
      }
    });
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: Row): SpokenLine {
  return {
    id: row.id,
    text: row.text,
    ...(row.lang !== null && { lang: row.lang }),
    startedAtMs: row.started_at_ms,
    durationMs: row.duration_ms,
    words: JSON.parse(row.words) as TimedWord[],
    ...(row.translation_lang !== null && row.translation_text !== null && { translation: { lang: row.translation_lang, text: row.translation_text } }),
  };
}
