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

/** Most entries one GET /api/history or /api/subtitles returns. */
export const MAX_HISTORY_LIMIT = 10_000;

/** What GET /api/history can answer with. */
export const HISTORY_FORMATS = ['json', 'srt', 'vtt'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** A history rendered as a response body. */
export interface FormattedHistory {
  contentType: string;
  body: string;
}

/** A final line recognized from the streamer's voice, as the speech log keeps it. */
export interface SpokenLine {
  id: string;
  text: string;
  lang?: string;
  /** Wall clock when the line was spoken, and its length. */
  startedAtMs: number;
  durationMs: number;
  /** Ms from the line's start; empty when the recognizer gave none. */
  words: TimedWord[];
  translation?: { lang: string; text: string };
}

/** Which text of the spoken lines a subtitle file holds: the original, the translation, or both in each cue. */
export const SPEECH_TRACKS = ['original', 'translation', 'both'] as const;
export type SpeechTrack = (typeof SPEECH_TRACKS)[number];
