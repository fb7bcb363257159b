/** The panel's history search: finished readouts whose text or user contains the query. */
import type { HistoryEntry } from '../core/history.ts';
import type { PanelHistoryItem } from '../core/protocol.ts';

/** Newest first, at most `limit`; an empty query matches everything. Case-insensitive. */
export function searchHistory(entries: readonly HistoryEntry[], query: string, limit: number): PanelHistoryItem[] {
  const needle = query.trim().toLowerCase();
  const found: PanelHistoryItem[] = [];
  for (let i = entries.length - 1; i >= 0 && found.length < limit; i--) {
    const e = entries[i]!;
    if (needle && !e.text.toLowerCase().includes(needle) && !e.user.toLowerCase().includes(needle)) continue;
    const { id, text, user, source, paid, state, reason, updatedAtMs, firstAudioMs, waitMs, durationMs, voice, note } = e;
    found.push({ id, text, user, source, paid, state, reason, updatedAtMs, firstAudioMs, waitMs, durationMs, voice, note });
  }
  return found;
}
