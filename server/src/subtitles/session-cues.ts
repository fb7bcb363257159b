/**
 * Played readouts as subtitle cues on one session timeline. A readout is placed at
 * playedAtMs − durationMs (the wall clock when its first sample played, since playedAtMs is
 * when playback ended); the timeline's 0 is the first readout's start, so a file lines up
 * with a recording started when the first readout played (shift it in the editor otherwise).
 * Within a readout, cues are lines of words timed on its audio clock (line-breaks.ts); a
 * readout without usable word timings is one cue over its whole duration.
 */
import type { HistoryEntry } from '../core/history.ts';
import type { TimedWord } from '../core/types.ts';
import { wordLines } from './line-breaks.ts';

export interface Cue {
  startMs: number;
  endMs: number;
  /** One line: whitespace runs (newlines included) collapsed to a space. */
  text: string;
  /** The voice that spoke it (one line), when the readout had one. */
  voice?: string;
}

interface Placed {
  entry: HistoryEntry;
  startMs: number;
  durationMs: number;
}

/** Cues of the played entries (others have no audio to time), in time order. */
export function sessionCues(entries: readonly HistoryEntry[]): Cue[] {
  const placed = entries
    .filter((e) => e.state === 'played' && e.playedAtMs !== undefined && e.durationMs !== undefined)
    .map((entry): Placed => ({ entry, startMs: entry.playedAtMs! - entry.durationMs!, durationMs: entry.durationMs! }))
    .sort((a, b) => a.startMs - b.startMs);
  const originMs = placed[0]?.startMs ?? 0;
  return placed.flatMap(({ entry, startMs, durationMs }) => {
    const voice = entry.voice === undefined ? '' : oneLine(entry.voice);
    const cues = timedCues(entry.text, entry.words, durationMs, startMs - originMs);
    return voice === '' ? cues : cues.map((cue) => ({ ...cue, voice }));
  });
}

/**
 * The cues of one text spoken from `offsetMs` on the session timeline: display lines cut by its
 * word timings, or one cue over its whole duration when they are unusable; empty lines dropped.
 */
export function timedCues(text: string, words: readonly TimedWord[], durationMs: number, offsetMs: number): Cue[] {
  const lines = wordLines(text, words) ?? [{ text, startMs: 0, endMs: durationMs }];
  return lines
    .map((line): Cue => ({ startMs: offsetMs + line.startMs, endMs: offsetMs + line.endMs, text: oneLine(line.text) }))
    .filter((cue) => cue.text !== '');
}

/** Whitespace runs (newlines included) collapsed to a space, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}
