/** Where a chat caption goes in the queue: its priority class by money and chat role. */
import { isPaidCaption, type ChatRole, type SourceCaption } from '../core/source.ts';
import type { PriorityClass, QueuePolicy } from './policy.ts';

/** The broadcaster ranks with moderators, VIPs with subscribers. */
const ROLE_CLASS: Record<ChatRole, Exclude<PriorityClass, 'paid'>> = {
  broadcaster: 'moderator',
  moderator: 'moderator',
  vip: 'subscriber',
  subscriber: 'subscriber',
  viewer: 'viewer',
};

/**
 * The priority and paid flag of a source caption, ready to spread into a CaptionEvent:
 * paid > moderator > subscriber > viewer, the highest class any of its roles reaches.
 */
export function priorityFor(
  caption: Pick<SourceCaption, 'roles' | 'paidAmount' | 'kind'>,
  policy: Pick<QueuePolicy, 'classes'>,
): { priority: number; paid: boolean } {
  const paid = isPaidCaption(caption);
  if (paid) return { priority: policy.classes.paid, paid };
  const byRole = caption.roles.map((role) => policy.classes[ROLE_CLASS[role]]);
  return { priority: Math.max(policy.classes.viewer, ...byRole), paid };
}
