/**
 * Turns an utterance's text + its timed words into display segments (pure, DOM-free).
 *
 * When every cue word can be found in order in the original text (ignoring only spaces and
 * punctuation between them), the original text is kept: punctuation and spacing come from it,
 * and text not yet covered by cues is shown as an upcoming tail. Otherwise words are joined
 * by rule: a space only between two words of space-separated scripts (Latin etc.), none
 * next to CJK characters or before closing punctuation.
 */
import type { TimedWord } from '../../../server/src/core/types.ts';

export type Segment =
  | { kind: 'word'; index: number; text: string }
  /** Text between words (spaces, punctuation), shown with the word that follows it. */
  | { kind: 'gap'; before: number; text: string }
  /** Text not covered by cues yet. */
  | { kind: 'tail'; text: string };

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;
const WORDISH = /[\p{L}\p{N}]/u;
const NO_SPACE_BEFORE = /^[,.!?;:%)\]}'"’”…、。，！？；：）】》」』]/u;
const NO_SPACE_AFTER = /[(\[{‘“（【《「『]$/u;

/** Whether a space belongs between two adjacent words. */
export function needsSpace(prev: string, next: string): boolean {
  const a = prev.at(-1) ?? '';
  const b = next.at(0) ?? '';
  if (!a || !b) return false;
  if (/\s/u.test(a) || /\s/u.test(b)) return false;
  if (CJK.test(a) || CJK.test(b)) return false;
  if (NO_SPACE_BEFORE.test(next) || NO_SPACE_AFTER.test(prev)) return false;
  return WORDISH.test(a) || WORDISH.test(b);
}

/** Join words for display: `["Hello","世界","and","you"]` → `Hello世界and you`. */
export function joinWords(words: readonly string[]): string {
  let out = '';
  for (const w of words) {
    const t = w.trim();
    if (!t) continue;
    if (out && needsSpace(out, t)) out += ' ';
    out += t;
  }
  return out;
}

export function layoutWords(text: string, words: readonly TimedWord[]): Segment[] {
  return alignToText(text, words) ?? joinRule(words, text);
}

function alignToText(text: string, words: readonly TimedWord[]): Segment[] | null {
  const segments: Segment[] = [];
  let cursor = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.text.trim();
    if (!w) {
      segments.push({ kind: 'word', index: i, text: '' });
      continue;
    }
    const at = text.indexOf(w, cursor);
    if (at < 0) return null;
    const between = text.slice(cursor, at);
    if (WORDISH.test(between)) return null; // skipped real words: texts disagree
    if (between) segments.push({ kind: 'gap', before: i, text: between });
    segments.push({ kind: 'word', index: i, text: w });
    cursor = at + w.length;
  }
  const rest = text.slice(cursor);
  if (rest) {
    // Trailing punctuation belongs to the last word's gap; real words are an upcoming tail.
    if (WORDISH.test(rest)) segments.push({ kind: 'tail', text: rest });
    else segments.push({ kind: 'gap', before: words.length, text: rest });
  }
  return segments;
}

function joinRule(words: readonly TimedWord[], text: string): Segment[] {
  if (words.length === 0) return text ? [{ kind: 'tail', text }] : [];
  const segments: Segment[] = [];
  let prev = '';
  words.forEach((word, i) => {
    const t = word.text.trim();
    if (prev && t && needsSpace(prev, t)) segments.push({ kind: 'gap', before: i, text: ' ' });
    segments.push({ kind: 'word', index: i, text: t });
    if (t) prev = t;
  });
  return segments;
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
