/**
 * Sentence and word segmentation for streaming TTS: engines send and resume text one
 * sentence at a time, and estimate word cues per word. CJK characters are one word each;
 * other scripts split on letters/digits runs.
 */

const SENTENCE_END = /[。！？!?；;…]+["'”’」』)）]*\s*|\.+["'”’)]*(?:\s+|$)|\n+/gu;
const SOFT_BREAK = /[，,、：:]\s*|\s+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}\p{M}'’]+/gu;
const PAUSE_PUNCTUATION = /^\s*[，,、：:；;。！？!?….]/u;

export interface Word {
  text: string;
  /** Index of the first character in the segmented text. */
  begin: number;
  /** Index after the last character. */
  end: number;
  /** Punctuation follows this word (a likely pause). */
  pauseAfter: boolean;
}

export function isCjk(char: string): boolean {
  return CJK.test(char);
}

/** Words of `text` in order, with their character ranges. */
export function splitWords(text: string): Word[] {
  return Array.from(text.matchAll(WORD), (match) => {
    const begin = match.index;
    const end = begin + match[0].length;
    return { text: match[0], begin, end, pauseAfter: PAUSE_PUNCTUATION.test(text.slice(end)) };
  });
}

/** Split a piece longer than `maxLength` at soft breaks (commas, spaces), else hard. `lengthOf` must be additive. */
function splitLong(piece: string, maxLength: number, lengthOf: (s: string) => number): string[] {
  if (lengthOf(piece) <= maxLength) return [piece];
  const parts: string[] = [];
  let current = '';
  let currentLength = 0;
  const push = (fragment: string, length: number) => {
    if (currentLength + length > maxLength && current) {
      parts.push(current);
      current = '';
      currentLength = 0;
    }
    if (length <= maxLength) {
      current += fragment;
      currentLength += length;
    } else for (const char of fragment) push(char, lengthOf(char));
  };
  let last = 0;
  const fragments = [...piece.matchAll(SOFT_BREAK)].map((m) => m.index + m[0].length).concat(piece.length);
  for (const end of fragments) {
    const fragment = piece.slice(last, end);
    push(fragment, lengthOf(fragment));
    last = end;
  }
  if (current) parts.push(current);
  return parts;
}

/**
 * Sentences of `text`, each keeping its punctuation and trailing whitespace, so joining
 * them gives `text` back. Pieces longer than `maxLength` (as measured by `lengthOf`) are
 * split further (`lengthOf` must be additive over characters). Whitespace-only pieces are merged into the previous sentence.
 */
export function splitSentences(
  text: string,
  maxLength = Number.POSITIVE_INFINITY,
  lengthOf: (s: string) => number = (s) => s.length,
): string[] {
  const sentences: string[] = [];
  let last = 0;
  const add = (piece: string) => {
    if (!piece) return;
    if (!piece.trim() && sentences.length > 0) sentences[sentences.length - 1] += piece;
    else sentences.push(...splitLong(piece, maxLength, lengthOf));
  };
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    add(text.slice(last, end));
    last = end;
  }
  add(text.slice(last));
  return sentences;
}
