/**
 * Turns an utterance's text + its timed words into display segments (pure, DOM-free).
 *
 * The text is always shown whole, as written: symbols before the first spoken word (`<3`,
 * `@`, `#`), punctuation, emoji and text the engine skipped stay visible as gaps, and only
 * spoken words are highlighted. Each cue word is looked up in order in the text (case
 * folded); a cue word the text does not hold (an engine reads "2" as "two") is given the
 * unmatched text between its matched neighbours, token by token, so it still highlights
 * what was written. Text after the last cue is an upcoming tail.
 */
import type { TimedWord } from '../../../server/src/core/types.ts';

export type Segment =
  /** Text spoken as cue words `index`..`last` (one word, or several an engine said for one written token). */
  | { kind: 'word'; index: number; last: number; text: string }
  /** Text between words (spaces, punctuation, skipped symbols), shown with the words around it. */
  | { kind: 'gap'; before: number; text: string }
  /** Text not covered by cues yet. */
  | { kind: 'tail'; text: string };

const WORDISH = /[\p{L}\p{N}]/u;
/** Characters that open a phrase and belong to the word after them. */
const OPENING = /[(\[{‘“"'«<@#$¥￥£€（【《「『〈〔＜＠＃]/u;

interface Match {
  start: number;
  end: number;
}

/** Lower-cases for lookup when that keeps every offset (it does for all but a few scripts). */
function foldCase(s: string): string {
  const folded = s.toLowerCase();
  return folded.length === s.length ? folded : s;
}

/**
 * Where each cue word sits in the text, in order, or null when the text does not hold it.
 * A word found only after skipping real words that the next cue word comes from is a
 * substitution (the engine said it for the skipped text), not a match further on.
 */
function matchWords(text: string, words: readonly TimedWord[]): (Match | null)[] {
  const haystack = foldCase(text);
  const needles = words.map((w) => foldCase(w.text.trim()));
  const found: (Match | null)[] = [];
  let cursor = 0;
  needles.forEach((needle, i) => {
    const at = needle ? haystack.indexOf(needle, cursor) : -1;
    if (at < 0) return found.push(null);
    const next = needles.slice(i + 1).find((n) => n !== '');
    const nextAt = next === undefined ? -1 : haystack.indexOf(next, cursor);
    if (WORDISH.test(text.slice(cursor, at)) && nextAt >= 0 && nextAt < at) return found.push(null);
    found.push({ start: at, end: at + needle.length });
    cursor = at + needle.length;
  });
  return found;
}

/**
 * Lays out `text[from, to)`, the text between two matched words, for the unmatched cue
 * words `pending` spoken there: its whitespace-separated tokens go to the words in order;
 * extra words share the last token; extra tokens go to the last word (`trailing`: they are
 * not spoken yet and are returned as the rest).
 */
function layoutRegion(text: string, from: number, to: number, pending: number[], trailing: boolean): { segments: Segment[]; restFrom: number } {
  const segments: Segment[] = [];
  const tokens = [...text.slice(from, to).matchAll(/\S+/gu)].map((m) => ({ start: from + m.index, end: from + m.index + m[0].length }));
  if (tokens.length === 0) {
    for (const i of pending) segments.push({ kind: 'word', index: i, last: i, text: '' });
    return { segments, restFrom: from };
  }
  let cursor = from;
  const groups = Math.min(tokens.length, pending.length);
  for (let g = 0; g < groups; g++) {
    const lastGroup = g === groups - 1;
    const index = pending[g]!;
    const last = lastGroup ? pending.at(-1)! : index;
    const start = tokens[g]!.start;
    const end = lastGroup && !trailing ? tokens.at(-1)!.end : tokens[g]!.end;
    if (start > cursor) segments.push({ kind: 'gap', before: index, text: text.slice(cursor, start) });
    segments.push({ kind: 'word', index, last, text: text.slice(start, end) });
    cursor = end;
  }
  return { segments, restFrom: cursor };
}

/** Text after the last cue word: punctuation is the last word's, real words are still to come. */
function restSegment(text: string, wordCount: number): Segment[] {
  if (!text) return [];
  return [WORDISH.test(text) ? { kind: 'tail', text } : { kind: 'gap', before: wordCount, text }];
}

export function layoutWords(text: string, words: readonly TimedWord[]): Segment[] {
  if (words.length === 0) return text ? [{ kind: 'tail', text }] : [];
  const matches = matchWords(text, words);
  const segments: Segment[] = [];
  let cursor = 0;
  let pending: number[] = [];
  matches.forEach((m, i) => {
    if (!m) return pending.push(i);
    const region = layoutRegion(text, cursor, m.start, pending, false);
    segments.push(...region.segments);
    if (m.start > region.restFrom) segments.push({ kind: 'gap', before: i, text: text.slice(region.restFrom, m.start) });
    segments.push({ kind: 'word', index: i, last: i, text: text.slice(m.start, m.end) });
    cursor = m.end;
    pending = [];
  });
  const region = layoutRegion(text, cursor, text.length, pending, true);
  return [...segments, ...region.segments, ...restSegment(text.slice(region.restFrom), words.length)];
}

/**
 * A gap split where a page break falls inside it: `[end, start]`, the part that ends the
 * word before (up to the first space: "," of ", ") and the part that starts the word after
 * (after the last space, or from an opening symbol: `"` of ` "`, `<` of `<3`).
 */
export function splitGap(text: string): [string, string] {
  const firstSpace = text.search(/\s/u);
  if (firstSpace >= 0) {
    const lastSpaceEnd = text.length - (/\S*$/u.exec(text)?.[0].length ?? 0);
    return [text.slice(0, firstSpace), text.slice(lastSpaceEnd)];
  }
  const opening = text.search(OPENING);
  return opening < 0 ? [text, ''] : [text.slice(0, opening), text.slice(opening)];
}

/**
 * The segments shown for the page of words `[from, to)`: its words, the gaps between them,
 * at its edges only the part of a gap that belongs to its own words, and on the last page
 * the text after the last word. The first page keeps everything before the first word.
 */
export function pageSegments(segments: readonly Segment[], wordCount: number, [from, to]: [number, number]): Segment[] {
  const lastPage = to >= wordCount;
  const shown: Segment[] = [];
  for (const seg of segments) {
    if (seg.kind === 'word') {
      if (seg.last >= from && seg.index < to) shown.push(seg);
    } else if (seg.kind === 'tail') {
      if (lastPage) shown.push(seg);
    } else if ((seg.before > from && seg.before < to) || (seg.before === from && from === 0) || (seg.before >= wordCount && lastPage)) {
      shown.push(seg);
    } else {
      const part = seg.before === from ? splitGap(seg.text)[1] : seg.before === to ? splitGap(seg.text)[0] : '';
      if (part) shown.push({ ...seg, text: part });
    }
  }
  return shown;
}

/**
 * Index of the word being spoken at `positionMs`: the last word that has started
 * (it stays current through a pause until the next begins); -1 before the first.
 */
export function currentWordIndex(words: readonly TimedWord[], positionMs: number): number {
  let cur = -1;
  for (let i = 0; i < words.length; i++) {
    if (words[i]!.startMs <= positionMs) cur = i;
    else break;
  }
  return cur;
}

/** Merge newly arrived cue words into the utterance's list, ordered by start time, without duplicates. */
export function mergeWords(existing: TimedWord[], incoming: readonly TimedWord[], maxWords = 2000): TimedWord[] {
  const out = existing.slice();
  for (const w of incoming) {
    if (out.length >= maxWords) break;
    if (out.some((x) => x.startMs === w.startMs && x.endMs === w.endMs && x.text === w.text)) continue;
    let i = out.length;
    while (i > 0 && out[i - 1]!.startMs > w.startMs) i--;
    out.splice(i, 0, w);
  }
  return out;
}

/**
 * Which words are shown when only `maxWords` fit: pages of `maxWords`, the page holding
 * the current word (first page before anything is spoken).
 */
export function pageRange(wordCount: number, current: number, maxWords: number): [number, number] {
  if (maxWords <= 0 || wordCount <= maxWords) return [0, Math.max(wordCount, 0)];
  const page = Math.floor(Math.max(current, 0) / maxWords);
  const start = page * maxWords;
  return [start, Math.min(wordCount, start + maxWords)];
}
