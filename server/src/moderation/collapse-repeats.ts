/**
 * Collapses spam repetition: a character, emoji or short group (up to 4 code points,
 * "哈哈哈哈哈", "hahahaha", "😂😂😂😂") repeated more than `maxCharRepeats` times, and a
 * word repeated more than `maxWordRepeats` times ("lol lol lol lol"). Digit runs are
 * numbers, not spam, and stay ("1000000").
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { mapText, memoLast } from './rule-kit.ts';

const DIGITS = /^\d+$/u;

const unitRepeats = (max: number): RegExp => new RegExp(`(\\S{1,4}?)\\1{${max},}`, 'gu');
const wordRepeats = (max: number): RegExp =>
  new RegExp(`(?<![\\p{L}\\p{N}])([\\p{L}\\p{N}]+)(?:[\\s,，、]+\\1(?![\\p{L}\\p{N}])){${max},}`, 'giu');

export function collapseRepeats<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const units = memoLast(unitRepeats);
  const words = memoLast(wordRepeats);
  return mapText(ctx, (text, _event, s) => {
    if (!s.repeats.enabled) return text;
    const { maxCharRepeats, maxWordRepeats } = s.repeats;
    const wordRe = words(maxWordRepeats);
    const unitRe = units(maxCharRepeats);
    let out = text;
    // test() first: most messages have no repeats, and a bare test is cheaper than replace().
    wordRe.lastIndex = 0;
    if (wordRe.test(out)) out = out.replace(wordRe, (_m, word: string) => Array<string>(maxWordRepeats).fill(word).join(' '));
    unitRe.lastIndex = 0;
    if (unitRe.test(out)) out = out.replace(unitRe, (match, unit: string) => (DIGITS.test(unit) ? match : unit.repeat(maxCharRepeats)));
    return out;
  });
}
