/** Who skips the gates: bypass roles, the allow list, and (if enabled) paid messages. */
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { lowercaseSet, memoLast, userIn } from './rule-kit.ts';

export function privilegeCheck(ctx: RuleContext): (event: ModerationInput) => boolean {
  const allowed = memoLast(lowercaseSet);
  return (event) => {
    const s = ctx.settings();
    if (s.roles.paidBypass && (event.paidAmount?.value ?? 0) > 0) return true;
    if (event.roles.some((role) => s.roles.bypass.includes(role))) return true;
    return userIn(allowed(s.users.allow), event);
  };
}
