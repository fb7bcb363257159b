import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../core/history.ts';
import { searchHistory } from './history-search.ts';

const entry = (id: string, text: string, user: string): HistoryEntry => ({
  id,
  text,
  user,
  source: 'twitch',
  priority: 0,
  receivedAtMs: 1,
  state: 'played',
  updatedAtMs: Number(id),
  words: [{ text, startMs: 0, endMs: 100 }],
});

describe('searchHistory', () => {
  const entries = [entry('1', 'Hello there', 'alice'), entry('2', '你好，世界', 'Bob'), entry('3', 'hello again', 'carol')];

  it('matches text or user, case-insensitively, newest first, without word timings', () => {
    expect(searchHistory(entries, 'HELLO', 10).map((e) => e.id)).toEqual(['3', '1']);
    expect(searchHistory(entries, 'bob', 10)).toEqual([
      { id: '2', text: '你好，世界', user: 'Bob', source: 'twitch', state: 'played', updatedAtMs: 2, paid: undefined, reason: undefined, firstAudioMs: undefined, durationMs: undefined },
    ]);
    expect(searchHistory(entries, '世界', 10).map((e) => e.id)).toEqual(['2']);
  });

  it('returns the newest `limit` for an empty query', () => {
    expect(searchHistory(entries, '  ', 2).map((e) => e.id)).toEqual(['3', '2']);
  });
});
