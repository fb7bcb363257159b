/**
 * A user may have at most `maxQueuedPerUser` readouts waiting (counted by name in the queue);
 * privileged users and paid messages are exempt, and so is a masked name ("提***"), which many
 * viewers share.
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { limitExemption } from './privilege.ts';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { dropWhen } from './rule-kit.ts';

export function userQueueCap<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const exempt = limitExemption(ctx);
  return dropWhen(
    ctx,
    'user-queue-full',
    (event, s) =>
      s.maxQueuedPerUser > 0 && event.maskedName !== true && !exempt(event) && ctx.queuedCount(event.user) >= s.maxQueuedPerUser,
  );
}
