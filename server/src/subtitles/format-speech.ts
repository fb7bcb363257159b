/** GET /api/subtitles bodies: the spoken lines as JSON, or one track as SRT / WebVTT. */
import type { FormattedHistory, HistoryFormat, SpeechTrack, SpokenLine } from '../core/history.ts';
import { speechCues } from './speech-cues.ts';
import { formatSrt, formatVtt } from './subtitle-files.ts';

export function formatSpeech(lines: readonly SpokenLine[], format: HistoryFormat, track: SpeechTrack): FormattedHistory {
  switch (format) {
    case 'json':
      return { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ items: lines }) };
    case 'srt':
      return { contentType: 'application/x-subrip; charset=utf-8', body: formatSrt(speechCues(lines, track)) };
    case 'vtt':
      return { contentType: 'text/vtt; charset=utf-8', body: formatVtt(speechCues(lines, track)) };
  }
}
