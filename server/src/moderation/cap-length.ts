/** Caps each message by characters AND by estimated seconds of speech, cutting at a word boundary. */
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { mapText } from './rule-kit.ts';
import { cutToBudget } from './speech-duration.ts';

export function capLength<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  return mapText(ctx, (text, _event, s) => cutToBudget(text, s.length.maxChars, s.length.maxSpokenSeconds, s.length));
}
