/**
 * Timed stretches of text → caption lines of at most 32 characters (a CEA-608 row), each
 * starting at its first word's time on the utterance clock. A sentence end closes a line.
 * Pure functions.
 */
import type { TimedWord } from '../../server/src/core/types.ts';
import { to608Text } from './caption-text.ts';

export const CEA608_LINE_CHARS = 32;

export interface CaptionLine {
  text: string;
  /** The first word's startMs on the utterance clock. */
  startMs: number;
  /** How many (piece-split) words the line holds. */
  wordCount: number;
}

const charCount = (text: string): number => [...text].length;
/** A line ends a sentence: '.', '!' or '?' (not an ellipsis '...'), maybe inside closing quotes or brackets. */
const SENTENCE_END = /(?:[!?]|(?<!\.)\.)["')\]]*$/u;
const SHOWS_SOMETHING = /[\p{L}\p{N}]/u;

/**
 * Maps each word's text onto 608 (`to608Text`), keeps one leading space where the text
 * (or the mapping) separates it from the word before, drops words with nothing left, and cuts any word longer
 * than `maxChars` into pieces whose start times are spread over the word's duration.
 */
export function captionWords(words: readonly TimedWord[], maxChars = CEA608_LINE_CHARS): TimedWord[] {
  const out: TimedWord[] = [];
  let spaceAfterLast = false; // '，' maps to ', ': the space belongs before the next word
  for (const word of words) {
    const mapped = to608Text(word.text);
    const chars = [...mapped.trim()];
    if (chars.length === 0) continue;
    const gap = spaceAfterLast || /^\s/u.test(mapped) ? ' ' : '';
    spaceAfterLast = /\s$/u.test(mapped);
    const pieces = Math.ceil(chars.length / maxChars);
    const stepMs = (word.endMs - word.startMs) / Math.max(pieces, 1);
    for (let i = 0; i < pieces; i++) {
      out.push({
        text: (i === 0 ? gap : '') + chars.slice(i * maxChars, (i + 1) * maxChars).join(''),
        startMs: Math.round(word.startMs + i * stepMs),
        endMs: Math.round(word.startMs + (i + 1) * stepMs),
      });
    }
  }
  return out;
}

/**
 * Greedy line filling over words already passed through `captionWords`; a line never runs
 * past a sentence end. Lines with no letter or digit (only punctuation left of a text 608
 * cannot show) are counted but have empty text.
 */
export function splitCaptionLines(words: readonly TimedWord[], maxChars = CEA608_LINE_CHARS): CaptionLine[] {
  const lines: CaptionLine[] = [];
  let current: CaptionLine | undefined;
  for (const word of words) {
    const joined = current ? current.text + word.text : '';
    if (current && charCount(joined) <= maxChars && !SENTENCE_END.test(current.text)) {
      current.text = joined;
      current.wordCount += 1;
      continue;
    }
    current = { text: word.text.trimStart(), startMs: word.startMs, wordCount: 1 };
    lines.push(current);
  }
  for (const line of lines) if (!SHOWS_SOMETHING.test(line.text)) line.text = '';
  return lines;
}
