/**
 * Estimated speaking time of a text: CJK characters at `zhCharsPerSecond`, words of spaced
 * scripts at `enWordsPerSecond`; and cutting a text to a character and time budget at a
 * word boundary (Intl.Segmenter, which also segments Chinese into words).
 */
export interface SpeechRates {
  zhCharsPerSecond: number;
  enWordsPerSecond: number;
}

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const WORD = /[\p{L}\p{N}]+/gu;

function count(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n += 1;
  return n;
}

export function estimateSpokenSeconds(text: string, rates: SpeechRates): number {
  const cjk = count(CJK_CHAR, text);
  const words = cjk === 0 ? count(WORD, text) : count(WORD, text.replace(CJK_CHAR, ' '));
  return cjk / rates.zhCharsPerSecond + words / rates.enWordsPerSecond;
}

/** Upper bound of seconds per UTF-16 unit: a one-letter word, or one CJK character. */
function maxSecondsPerUnit(rates: SpeechRates): number {
  return Math.max(1 / rates.zhCharsPerSecond, 1 / rates.enWordsPerSecond);
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The longest word-boundary prefix within `maxChars` code points and `maxSeconds`. */
export function cutToBudget(text: string, maxChars: number, maxSeconds: number, rates: SpeechRates): string {
  if (text.length <= maxChars) {
    if (text.length * maxSecondsPerUnit(rates) <= maxSeconds) return text;
    if (estimateSpokenSeconds(text, rates) <= maxSeconds) return text;
  }
  let out = '';
  let chars = 0;
  let seconds = 0;
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    const segmentChars = Array.from(segment).length;
    const segmentSeconds = isWordLike ? estimateSpokenSeconds(segment, rates) : 0;
    if (chars + segmentChars > maxChars || seconds + segmentSeconds > maxSeconds) break;
    out += segment;
    chars += segmentChars;
    seconds += segmentSeconds;
  }
  if (out.trim() === '') return Array.from(text).slice(0, maxChars).join('').trim();
  return out.trim();
}
