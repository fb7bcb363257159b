/**
 * Word timings → caption lines of at most 32 characters (a CEA-608 row), each starting at
 * its first word's time on the utterance clock. Pure functions.
 */
import type { TimedWord } from '../../server/src/core/types.ts';

export const CEA608_LINE_CHARS = 32;

export interface CaptionLine {
  text: string;
  /** The first word's startMs on the utterance clock. */
  startMs: number;
  /** How many (piece-split) words the line holds. */
  wordCount: number;
}

const CJK_EDGE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

const charCount = (text: string): number => [...text].length;

/** Latin-like words are joined by a space; none goes next to a CJK character. */
function joiner(prev: string, next: string): string {
  return CJK_EDGE.test(prev.at(-1) ?? '') || CJK_EDGE.test(next[0] ?? '') ? '' : ' ';
}

/**
 * Trims words, drops empty ones, and cuts any word longer than `maxChars` into pieces
 * whose start times are spread over the word's duration.
 */
export function captionWords(words: readonly TimedWord[], maxChars = CEA608_LINE_CHARS): TimedWord[] {
  const out: TimedWord[] = [];
  for (const word of words) {
    const chars = [...word.text.trim()];
    const pieces = Math.ceil(chars.length / maxChars);
    const stepMs = (word.endMs - word.startMs) / Math.max(pieces, 1);
    for (let i = 0; i < pieces; i++) {
      out.push({
        text: chars.slice(i * maxChars, (i + 1) * maxChars).join(''),
        startMs: Math.round(word.startMs + i * stepMs),
        endMs: Math.round(word.startMs + (i + 1) * stepMs),
      });
    }
  }
  return out;
}

/** Greedy line filling over words already passed through `captionWords`. */
export function splitCaptionLines(words: readonly TimedWord[], maxChars = CEA608_LINE_CHARS): CaptionLine[] {
  const lines: CaptionLine[] = [];
  let current: CaptionLine | undefined;
  for (const word of words) {
    const joined = current ? current.text + joiner(current.text, word.text) + word.text : word.text;
    if (current && charCount(joined) <= maxChars) {
      current.text = joined;
      current.wordCount += 1;
      continue;
    }
    current = { text: word.text, startMs: word.startMs, wordCount: 1 };
    lines.push(current);
  }
  return lines;
}
