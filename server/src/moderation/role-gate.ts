/** Only chatters with an allowed role are read (e.g. subscribers only); privileged ones always are. */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { privilegeCheck } from './privilege.ts';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { dropWhen } from './rule-kit.ts';

export function roleGate<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const privileged = privilegeCheck(ctx);
  return dropWhen(ctx, 'role', (event, s) => !privileged(event) && !event.roles.some((r) => s.roles.allowed.includes(r)));
}
