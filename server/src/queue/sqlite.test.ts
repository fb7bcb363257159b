import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { queueTestKit } from './test-kit.ts';

const kit = queueTestKit();

/** The `utterances` table as released before `instruct`, `note` and `wait_ms` were added. */
const OLD_UTTERANCES = `
CREATE TABLE utterances (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, text TEXT NOT NULL, user TEXT NOT NULL,
  source TEXT NOT NULL, priority INTEGER NOT NULL, voice TEXT, lang TEXT, message_id TEXT, user_id TEXT,
  paid INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, reason TEXT, received_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL, expires_at_ms INTEGER, played_at_ms INTEGER, first_audio_ms INTEGER,
  duration_ms REAL, words_json TEXT
);
INSERT INTO utterances (id, text, user, source, priority, voice, state, received_at_ms, updated_at_ms, played_at_ms, duration_ms, words_json)
VALUES ('old-1', 'from before', 'viewer', 'twitch', 0, 'narrator', 'played', 1000, 2000, 2000, 500, '[]');
`;

describe('opening a queue database from an older release', () => {
  it('adds the missing columns, keeps the old rows, and stores instruct, notes and waits from then on', () => {
    const path = join(kit.dataDir(), 'relay.db');
    const old = new Database(path);
    old.exec(OLD_UTTERANCES);
    old.close();

    const queue = kit.open();
    expect(queue.history({ limit: 10 })).toMatchObject([{ id: 'old-1', text: 'from before', voice: 'narrator', state: 'played' }]);
    expect(queue.get('old-1')).not.toHaveProperty('instruct');

    const { utterance } = queue.enqueue({ text: 'now', user: 'u', source: 'http', priority: 0, receivedAtMs: 3_000, voice: 'robot', instruct: '用四川话说' });
    queue.note(utterance.id, 'instruct ignored: embedded cannot apply instructions');
    expect(queue.get(utterance.id)).toMatchObject({ voice: 'robot', instruct: '用四川话说', note: 'instruct ignored: embedded cannot apply instructions' });
    expect(queue.takeNext()).toHaveProperty('waitMs');
  });

  it('opening a current database again changes nothing', () => {
    const first = kit.open();
    const { utterance } = first.enqueue({ text: 'kept', user: 'u', source: 'http', priority: 0, receivedAtMs: 1_000, instruct: 'softly' });
    first.close();
    expect(kit.open().get(utterance.id)).toMatchObject({ text: 'kept', instruct: 'softly', state: 'queued' });
  });
});
