/** Drops messages with nothing left to say (no letter or digit) after the text rules. */
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { dropWhen } from './rule-kit.ts';

const SAYABLE = /[\p{L}\p{N}]/u;

export function dropEmpty<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  return dropWhen(ctx, 'empty', (event) => !SAYABLE.test(event.text));
}
