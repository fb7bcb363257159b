/**
 * Banned words, case-insensitive: the message is dropped, or each occurrence is replaced by
 * a bleep word. Latin words match whole words only ("ass" does not hit "class"); Chinese
 * words (no spaces between words) match anywhere.
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { dropWhen, mapText, memoLast, messageLanguage } from './rule-kit.ts';

const WORD_CHAR_NOT_CJK = /[\p{L}\p{N}]/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const HAN = /\p{Script=Han}/u;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** Needs a word boundary on that side: the edge character is a letter/digit of a spaced script. */
const needsBoundary = (ch: string): boolean => WORD_CHAR_NOT_CJK.test(ch) && !CJK.test(ch);

function bannedPattern(words: readonly string[]): RegExp | undefined {
  if (words.length === 0) return undefined;
  const alternatives = [...words]
    .sort((a, b) => b.length - a.length)
    .map((word) => {
      const chars = Array.from(word);
      const before = needsBoundary(chars[0]!) ? '(?<![\\p{L}\\p{N}])' : '';
      const after = needsBoundary(chars[chars.length - 1]!) ? '(?![\\p{L}\\p{N}])' : '';
      return `${before}${escapeRegExp(word)}${after}`;
    });
  return new RegExp(alternatives.join('|'), 'giu');
}

export function bannedWords<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const pattern = memoLast(bannedPattern);
  const dropBanned = dropWhen<T>(ctx, 'banned-word', (event, s) => {
    const re = s.bannedWords.action === 'drop' ? pattern(s.bannedWords.words) : undefined;
    if (!re) return false;
    re.lastIndex = 0;
    return re.test(event.text);
  });
  const bleepBanned = mapText<T>(ctx, (text, event, s) => {
    const re = s.bannedWords.action === 'bleep' ? pattern(s.bannedWords.words) : undefined;
    if (!re) return text;
    const lang = messageLanguage(event, text);
    return text.replace(re, (match) => (HAN.test(match) ? s.bannedWords.bleep.zh : s.bannedWords.bleep[lang]));
  });
  return (source) => source.pipe(dropBanned, bleepBanned);
}
