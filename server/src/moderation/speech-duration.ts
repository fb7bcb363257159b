/**
 * Estimated speaking time of a text: CJK characters at `zhCharsPerSecond`, words of spaced
 * scripts at `enWordsPerSecond`; and cutting a text to a character and time budget at a
 * word boundary. One linear scan does both. A cut between two CJK characters moves back
 * to a nearby punctuation mark or space (a clause boundary), else to a word start found by
 * Intl.Segmenter (slow, so only asked then), so a Chinese word is not split.
 */
export interface SpeechRates {
  zhCharsPerSecond: number;
  enWordsPerSecond: number;
}

const NON_ASCII_WORD_CHAR = /[\p{L}\p{N}]/u;

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
    (cp >= 0x3400 && cp <= 0x4dbf) || // extension A
    (cp >= 0x3040 && cp <= 0x30ff) || // hiragana, katakana
    (cp >= 0xac00 && cp <= 0xd7af) || // hangul syllables
    (cp >= 0x1100 && cp <= 0x11ff) || // hangul jamo
    (cp >= 0xf900 && cp <= 0xfaff) || // compatibility ideographs
    (cp >= 0x20000 && cp <= 0x3134f) // extensions B–G
  );
}

/** A letter or digit of a spaced script (a CJK character is not one). */
function isWordChar(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return !isCjk(cp) && NON_ASCII_WORD_CHAR.test(String.fromCodePoint(cp));
}

/**
 * Walks the text code point by code point, charging each CJK character and each word start.
 * Returns the UTF-16 index of the first code point that no longer fits the budget (or the
 * text length) and the seconds of everything before it.
 */
function walk(text: string, rates: SpeechRates, maxChars: number, maxSeconds: number): { stopAt: number; seconds: number } {
  const secondsPerCjk = 1 / rates.zhCharsPerSecond;
  const secondsPerWord = 1 / rates.enWordsPerSecond;
  let chars = 0;
  let seconds = 0;
  let inWord = false;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    let cost = 0;
    if (isCjk(cp)) {
      cost = secondsPerCjk;
      inWord = false;
    } else if (isWordChar(cp)) {
      if (!inWord) cost = secondsPerWord;
      inWord = true;
    } else {
      inWord = false;
    }
    if (chars + 1 > maxChars || seconds + cost > maxSeconds) return { stopAt: i, seconds };
    chars += 1;
    seconds += cost;
    i += cp > 0xffff ? 2 : 1;
  }
  return { stopAt: text.length, seconds };
}

export function estimateSpokenSeconds(text: string, rates: SpeechRates): number {
  return walk(text, rates, Infinity, Infinity).seconds;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
/** How far (UTF-16 units) a cut between CJK characters may move back. */
const SNAP_WINDOW = 12;

/** The nearest word start at or before `at` (a code point boundary). */
function wordStartAtOrBefore(text: string, at: number): number {
  const here = text.codePointAt(at)!;
  if (isWordChar(here)) {
    let start = at;
    while (start > 0 && isWordChar(text.codePointAt(start - 1)!)) start -= 1;
    return start;
  }
  if (at > 0 && isCjk(here) && isCjk(text.codePointAt(at - 1)!)) {
    const from = Math.max(0, at - SNAP_WINDOW);
    for (let i = at - 1; i > from; i--) {
      const unit = text.charCodeAt(i);
      if (unit < 0xd800 || unit > 0xdfff) {
        if (!isCjk(unit) && !isWordChar(unit)) return i + 1;
      }
    }
    let start = at;
    for (const { index } of segmenter.segment(text.slice(from, at + SNAP_WINDOW))) {
      if (from + index > at) break;
      // The window's own start is no word boundary unless it is the text's start.
      if (index > 0 || from === 0) start = from + index;
    }
    return start;
  }
  return at;
}

/** The longest word-boundary prefix within `maxChars` code points and `maxSeconds`. */
export function cutToBudget(text: string, maxChars: number, maxSeconds: number, rates: SpeechRates): string {
  const unitBound = Math.max(1 / rates.zhCharsPerSecond, 1 / rates.enWordsPerSecond);
  if (text.length <= maxChars && text.length * unitBound <= maxSeconds) return text;
  const { stopAt } = walk(text, rates, maxChars, maxSeconds);
  if (stopAt >= text.length) return text;
  const cut = text.slice(0, wordStartAtOrBefore(text, stopAt)).trim();
  return cut === '' ? text.slice(0, stopAt).trim() : cut;
}
