/** GET /api/history bodies: the history as JSON, or the played readouts as SRT / WebVTT subtitles. */
import type { FormattedHistory, HistoryEntry, HistoryFormat } from '../core/history.ts';
import { sessionCues } from './session-cues.ts';
import { subtitleBody } from './subtitle-files.ts';

/** JSON keeps every entry (skipped and dropped ones with their reason); subtitles hold what was heard. */
export function formatHistory(entries: readonly HistoryEntry[], format: HistoryFormat): FormattedHistory {
  return subtitleBody(format, entries, () => sessionCues(entries));
}
