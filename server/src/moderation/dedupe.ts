/**
 * Drops a text already read within the window (copypasta), comparing case-, spacing- and
 * punctuation-insensitively; per user or across everyone. Privileged users and paid messages
 * are exempt (a cheer repeating an earlier plain message is still read); per user, so is a
 * message whose sender cannot be told apart (see `userKey`).
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { limitExemption } from './privilege.ts';
import { RecentKeys } from './recent-keys.ts';
import type { ModerationInput, RuleContext } from './rule-context.ts';
import { dropWhen, userKey } from './rule-kit.ts';

const NOT_WORD = /[^\p{L}\p{N}]+/gu;

export function dedupe<T extends ModerationInput>(ctx: RuleContext): MonoTypeOperatorFunction<T> {
  const exempt = limitExemption(ctx);
  const recentTexts = new RecentKeys(ctx.maxTrackedKeys);
  return dropWhen(ctx, 'duplicate', (event, s) => {
    const { windowMs, scope } = s.duplicates;
    if (windowMs === 0 || exempt(event)) return false;
    const normalized = event.text.normalize('NFKC').toLowerCase().replace(NOT_WORD, '');
    if (normalized === '') return false;
    const user = scope === 'user' ? userKey(event) : '';
    if (user === undefined) return false;
    const key = scope === 'user' ? `${user}\n${normalized}` : normalized;
    const now = ctx.nowMs();
    if (recentTexts.seenWithin(key, windowMs, now)) return true;
    recentTexts.record(key, now, windowMs);
    return false;
  });
}
