import type { TimedWord, Utterance } from './types.ts';

/** A finished readout as history keeps it: the source of SRT/VTT and the panel's log. */
export interface HistoryEntry extends Utterance {
  /** Wall clock when playback ended (played items only). */
  playedAtMs?: number;
  /** Audio duration actually played. */
  durationMs?: number;
  /** Word timings on the utterance's audio clock; empty when none were recorded. */
  words: TimedWord[];
}

/** What GET /api/history can answer with. */
export const HISTORY_FORMATS = ['json', 'srt', 'vtt'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** A history rendered as a response body. */
export interface FormattedHistory {
  contentType: string;
  body: string;
}
