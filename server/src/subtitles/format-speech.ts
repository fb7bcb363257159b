/** GET /api/subtitles bodies: the spoken lines as JSON, or one track as SRT / WebVTT. */
import type { FormattedHistory, HistoryFormat, SpeechTrack, SpokenLine } from '../core/history.ts';
import { speechCues } from './speech-cues.ts';
import { subtitleBody } from './subtitle-files.ts';

export function formatSpeech(lines: readonly SpokenLine[], format: HistoryFormat, track: SpeechTrack): FormattedHistory {
  return subtitleBody(format, lines, () => speechCues(lines, track));
}
