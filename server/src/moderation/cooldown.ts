/**
 * One readout per user per `cooldownMs`; privileged users and paid messages are exempt, and
 * so is a message whose sender cannot be told apart (see `userKey`).
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { limitExemption } from './privilege.ts';
import { RecentKeys } from './recent-keys.ts';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { dropWhen, userKey } from './rule-kit.ts';

export function cooldown<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const exempt = limitExemption(ctx);
  const lastReadout = new RecentKeys(ctx.maxTrackedKeys);
  return dropWhen(ctx, 'cooldown', (event, s) => {
    if (s.cooldownMs === 0 || exempt(event)) return false;
    const key = userKey(event);
    if (key === undefined) return false;
    const now = ctx.nowMs();
    if (lastReadout.seenWithin(key, s.cooldownMs, now)) return true;
    lastReadout.record(key, now, s.cooldownMs);
    return false;
  });
}
