/** Users on the deny list (names or ids, case-insensitive) are never read. */
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { dropWhen, lowercaseSet, memoLast, userIn } from './rule-kit.ts';

export function denyUsers<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const denied = memoLast(lowercaseSet);
  return dropWhen(ctx, 'denied-user', (event, s) => userIn(denied(s.users.deny), event));
}
