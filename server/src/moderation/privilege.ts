/**
 * Who skips the gates: bypass roles, the allow list, and (if enabled) paid messages. Who
 * skips the limits (duplicates, cooldown, per-user cap): the same, and every paid message.
 */
import { isPaidCaption } from '../core/source.ts';
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

/** Exempt from the limits: privileged, or paid (whatever `paidBypass` says: money is never a duplicate). */
export function limitExemption(ctx: RuleContext): (event: ModerationInput) => boolean {
  const privileged = privilegeCheck(ctx);
  return (event) => isPaidCaption(event) || privileged(event);
}
