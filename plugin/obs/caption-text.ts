/**
 * The readout's own text, as CEA-608 can show it, timed by the engine's words. Pure functions.
 *
 * Engines time word tokens ("hello", "world") without the text's punctuation and sometimes
 * without its case; the caption shows the text as written. `createWordAligner` finds each
 * timed word in the text, in order, and gives it the stretch of text up to its end plus the
 * punctuation right after it; text before the first word goes with the first word, text the
 * engine did not time with the next word, and what follows the last word comes out of
 * `rest()`.
 *
 * `to608Text` maps a string onto what OBS's caption encoder (libcaption's UTF-8 → 608 table:
 * the basic, special and extended Western European sets) can show: printable ASCII and the
 * Latin letters of those sets stay; curly quotes and primes become straight quotes; dashes
 * become '-', '…' becomes '...'; CJK and full-width punctuation become their ASCII
 * equivalents followed by a space where the text has none ('，' → ', ', '。' → '. ',
 * '「」『』' → '"'); full-width Latin letters and digits become ASCII; anything else (CJK
 * ideographs, kana, hangul, emoji, control characters) is left out, and the spaces around it
 * collapse to one.
 */
import type { TimedWord } from '../../server/src/core/types.ts';

/** Latin letters 608 can show beyond ASCII (47 CFR 15.119 basic/special sets, CTA-608 extended Western European set). */
const LATIN_608 = 'áéíóúçñÑàèâêîôûÁÉÓÚÜüÀÂÇÈÊËëÎÏïÔÙùÛÃãÍÌìÒòÕõÄäÖößÅåØø¡¿«»©®°½¢£¥™';

const PUNCTUATION_608: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...', '\u22ef': '...', '\u00b7': '-', '\u30fb': '-',
  '\u3001': ', ', '\u3002': '. ', '\uff0c': ', ', '\uff0e': '. ', '\uff01': '! ', '\uff1f': '? ', '\uff1a': ': ', '\uff1b': '; ',
  '\u300c': '"', '\u300d': '"', '\u300e': '"', '\u300f': '"', '\u3010': '[', '\u3011': ']', '\u3014': '(', '\u3015': ')',
  '\u3008': '<', '\u3009': '>', '\u300a': '"', '\u300b': '"', '\uff08': '(', '\uff09': ')', '\uff5e': '~', '\u3000': ' ',
  '\u00a0': ' ', '\t': ' ', '\n': ' ', '\r': ' ',
};

function char608(c: string): string {
  const code = c.codePointAt(0)!;
  if (code >= 0x20 && code <= 0x7e) return c;
  if (LATIN_608.includes(c)) return c;
  const mapped = PUNCTUATION_608[c];
  if (mapped !== undefined) return mapped;
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCodePoint(code - 0xfee0); // full-width ASCII forms
  return ' ';
}

/** `text` with every character 608 can show kept, the rest mapped or left out (see the file comment). */
export function to608Text(text: string): string {
  const mapped = [...text.normalize('NFC')].map(char608).join('');
  // A left-out character leaves a space; never put one before closing punctuation.
  return mapped.replace(/ {2,}/gu, ' ').replace(/ ([,.!?:;)\]])/gu, '$1');
}

export interface WordAligner {
  /** The next timed words, each with the stretch of text it speaks (leading space kept). */
  align(words: readonly TimedWord[]): TimedWord[];
  /** The text after the last aligned word, timed at its end; empty once taken. */
  rest(): TimedWord[];
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
/** How far ahead of the last match a word is looked for: engines skip little. */
const SEARCH_AHEAD_CHARS = 200;

export function createWordAligner(text: string): WordAligner {
  const lower = text.toLowerCase();
  const haystack = lower.length === text.length ? lower : text;
  let cursor = 0;
  let lastEndMs = 0;

  const find = (word: string): number => {
    const needle = word.trim();
    if (needle === '') return -1;
    const at = haystack.indexOf(lower.length === text.length ? needle.toLowerCase() : needle, cursor);
    return at >= 0 && at - cursor <= SEARCH_AHEAD_CHARS ? at : -1;
  };

  return {
    align(words) {
      const out: TimedWord[] = [];
      for (const word of words) {
        const at = find(word.text);
        if (at < 0) continue; // its timing goes unused; its text joins the next word found
        let end = at + word.text.trim().length;
        while (end < text.length && !/\s/u.test(text[end]!) && !WORD_CHAR.test(text[end]!)) end += 1;
        out.push({ text: text.slice(cursor, end), startMs: word.startMs, endMs: word.endMs });
        cursor = end;
        lastEndMs = word.endMs;
      }
      return out;
    },
    rest() {
      const tail = text.slice(cursor);
      cursor = text.length;
      return tail.trim() === '' ? [] : [{ text: tail, startMs: lastEndMs, endMs: lastEndMs }];
    },
  };
}
