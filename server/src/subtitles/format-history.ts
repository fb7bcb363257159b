/** GET /api/history bodies: the history as JSON, or the played readouts as SRT / WebVTT subtitles. */
import type { FormattedHistory, HistoryEntry, HistoryFormat } from '../core/history.ts';
import { sessionCues } from './session-cues.ts';
import { formatSrt, formatVtt } from './subtitle-files.ts';

/** JSON keeps every entry (skipped and dropped ones with their reason); subtitles hold what was heard. */
export function formatHistory(entries: readonly HistoryEntry[], format: HistoryFormat): FormattedHistory {
  switch (format) {
    case 'json':
      return { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ items: entries }) };
    case 'srt':
      return { contentType: 'application/x-subrip; charset=utf-8', body: formatSrt(sessionCues(entries)) };
    case 'vtt':
      return { contentType: 'text/vtt; charset=utf-8', body: formatVtt(sessionCues(entries)) };
  }
}
