/**
 * Subtitle lines from a readout's word timings: whole words, at most MAX_LINE_WIDTH columns
 * a line (CJK and other wide characters count two, so a Chinese line holds 21 of them). The
 * line text is cut from the readout's own text, keeping its punctuation and spacing.
 */
import type { TimedWord } from '../core/types.ts';

/** The usual broadcast subtitle width (Latin script). */
export const MAX_LINE_WIDTH = 42;

export interface TimedLine {
  text: string;
  /** On the readout's audio clock: first word's start, last word's end. */
  startMs: number;
  endMs: number;
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;
const WORDISH = /[\p{L}\p{N}]/u;

/** Columns `text` takes in a monospaced subtitle renderer. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE.test(char) ? 2 : 1;
  return width;
}

/**
 * Greedy line filling. Undefined when the words cannot be found in order in `text` with only
 * spaces and punctuation between and after them (the engine spoke something else, or cued
 * only part of it): the caller then times the readout as one cue.
 */
export function wordLines(text: string, words: readonly TimedWord[], maxWidth = MAX_LINE_WIDTH): TimedLine[] | undefined {
  const pieces = wordPieces(text, words);
  if (!pieces || pieces.length === 0) return undefined;
  const lines: TimedLine[] = [];
  let first = 0;
  let lineText = '';
  pieces.forEach((piece, i) => {
    const joined = lineText + piece;
    if (lineText.trim() !== '' && displayWidth(joined.trim()) > maxWidth) {
      lines.push(timed(lineText, words, first, i - 1));
      first = i;
      lineText = piece;
    } else {
      lineText = joined;
    }
  });
  lines.push(timed(lineText, words, first, pieces.length - 1));
  return lines;
}

function timed(text: string, words: readonly TimedWord[], first: number, last: number): TimedLine {
  return { text: text.trim(), startMs: words[first]!.startMs, endMs: words[last]!.endMs };
}

/** `text` cut into one piece per word: the word plus the spaces and punctuation that follow it (the first also takes what precedes it). */
function wordPieces(text: string, words: readonly TimedWord[]): string[] | undefined {
  const starts: number[] = [];
  let cursor = 0;
  for (const word of words) {
    const w = word.text.trim();
    const at = w === '' ? cursor : text.indexOf(w, cursor);
    if (at < 0 || WORDISH.test(text.slice(cursor, at))) return undefined;
    starts.push(starts.length === 0 ? 0 : at);
    cursor = at + w.length;
  }
  if (WORDISH.test(text.slice(cursor))) return undefined;
  return starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
}
