/** Removes configured emote words (whole words, case-sensitive like emote names) and, if enabled, emoji. */
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { mapText, memoLast, tidySpaces } from './rule-kit.ts';

const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0f\u20e3]+/gu;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

function emoteWordsPattern(words: readonly string[]): RegExp | undefined {
  if (words.length === 0) return undefined;
  const alternatives = [...words].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(`(?<!\\S)(?:${alternatives.join('|')})(?!\\S)`, 'gu');
}

export function stripEmotes<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const pattern = memoLast(emoteWordsPattern);
  return mapText(ctx, (text, _event, s) => {
    const words = pattern(s.emotes.words);
    let out = words ? text.replace(words, ' ') : text;
    if (s.emotes.stripEmoji) out = out.replace(EMOJI, ' ');
    return out === text ? text : tidySpaces(out);
  });
}
