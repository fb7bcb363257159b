/**
 * Kick's Pusher events → SourceEvents. On `chatrooms.<chatroom id>.v2`: ChatMessageEvent
 * (chat, replies, resub celebrations), SubscriptionEvent, GiftedSubscriptionsEvent,
 * UserBannedEvent (bans and timeouts), MessageDeletedEvent; on `channel_<channel id>`:
 * KicksGifted (KICKs, Kick's paid currency: 100 KICKs = 1 USD). Names arrive with or
 * without the `App\Events\` prefix. Shapes: Bukk94/KickLib KickLib.Client/Models/Events/**
 * (the C# models of these payloads), checked against captured frames (test/fakes/kick/kick-payloads.ts).
 * ChatroomClearEvent (a moderator's /clear), pinned messages, polls, hosts and unbans are
 * not read: like Twitch's /clear, a chat clear does not drop queued readouts.
 */
import { isRecord } from '../../server/src/core/is-record.ts';
import { triggeredChatText, type ChatRole, type ChatTriggers, type SourceCaption, type SourceEvent } from '../../server/src/core/source.ts';
import { MalformedFrameError } from './pusher-frame.ts';

export interface KickTriggers extends ChatTriggers {
  /** Read subscriptions (kind 'sub'): a line for each new sub or renewal, and a resub's shared message. */
  subs: boolean;
  /** Gifted subs, at least this many at once, are read (kind 'gift', paid); null = off. */
  minGiftedSubs: number | null;
  /** KICKs gifts of at least this amount are read (kind 'gift', paid in KICKs); null = off. */
  minKicks: number | null;
}

export const DEFAULT_KICK_TRIGGERS: KickTriggers = {
  commandPrefix: '!tts',
  allMessages: false,
  subs: true,
  minGiftedSubs: 1,
  minKicks: 100,
};

const PREFIX = 'App\\Events\\';
/** `[emote:37226:KEKW]`: an emote in a message's content. */
const EMOTE = /\[emote:\d+:[^\]]*\]/gu;

type Data = Record<string, unknown>;

function record(data: Data, key: string, event: string): Data {
  const value = data[key];
  if (!isRecord(value)) throw new MalformedFrameError(`${event}: no ${key}`);
  return value;
}

function text(data: Data, key: string, event: string): string {
  const value = data[key];
  if (typeof value !== 'string') throw new MalformedFrameError(`${event}: no ${key}`);
  return value;
}

function id(data: Data, key: string, event: string): string {
  const value = data[key];
  if (typeof value === 'number' || (typeof value === 'string' && value !== '')) return String(value);
  throw new MalformedFrameError(`${event}: no ${key}`);
}

/** Roles from a sender's identity badges (`{type: 'moderator', text: 'Moderator'}`, …). */
export function rolesFromBadges(badges: unknown): ChatRole[] {
  const types = new Set(Array.isArray(badges) ? badges.map((b) => (b as Data | null)?.['type']) : []);
  const roles: ChatRole[] = [];
  if (types.has('broadcaster')) roles.push('broadcaster');
  if (types.has('moderator')) roles.push('moderator');
  if (types.has('vip')) roles.push('vip');
  if (types.has('subscriber') || types.has('founder')) roles.push('subscriber');
  roles.push('viewer');
  return roles;
}

function spokenText(content: string): string {
  return content.replace(EMOTE, ' ').replace(/\s+/gu, ' ').trim();
}

interface Context {
  triggers: KickTriggers;
  receivedAtMs: number;
}

function caption(fields: Omit<SourceCaption, 'type' | 'source' | 'receivedAtMs'>, ctx: Context): SourceCaption {
  return { type: 'caption', source: 'kick', receivedAtMs: ctx.receivedAtMs, ...fields };
}

function fromChatMessage(data: Data, ctx: Context, event: string): SourceCaption | undefined {
  const sender = record(data, 'sender', event);
  const identity = sender['identity'] as Data | undefined;
  const content = spokenText(text(data, 'content', event));
  if (content === '') return undefined;
  const celebration = data['type'] === 'celebration';
  const said = celebration ? (ctx.triggers.subs ? content : undefined) : triggeredChatText(content, ctx.triggers);
  if (said === undefined) return undefined;
  return caption(
    {
      kind: celebration ? 'sub' : 'chat',
      text: said,
      user: text(sender, 'username', event),
      userId: id(sender, 'id', event),
      roles: rolesFromBadges(identity?.['badges']),
      messageId: id(data, 'id', event),
    },
    ctx,
  );
}

function fromSubscription(data: Data, ctx: Context, event: string): SourceCaption | undefined {
  if (!ctx.triggers.subs) return undefined;
  const user = text(data, 'username', event);
  const months = typeof data['months'] === 'number' ? data['months'] : 1;
  return caption(
    {
      kind: 'sub',
      text: months > 1 ? `${user} subscribed for ${months} months!` : `${user} subscribed!`,
      user,
      roles: ['subscriber', 'viewer'],
      // No id on the wire: the user and the month count name one subscription.
      messageId: `sub:${user}:${months}`,
    },
    ctx,
  );
}

function fromGiftedSubs(data: Data, ctx: Context, event: string): SourceCaption | undefined {
  const gifter = text(data, 'gifter_username', event);
  const recipients = data['gifted_usernames'];
  if (!Array.isArray(recipients) || !recipients.every((r) => typeof r === 'string')) throw new MalformedFrameError(`${event}: no gifted_usernames`);
  const count = recipients.length;
  const min = ctx.triggers.minGiftedSubs;
  if (min === null || count === 0 || count < min) return undefined;
  return caption(
    {
      kind: 'gift',
      text: count === 1 ? `${gifter} gifted a sub to ${recipients[0] as string}!` : `${gifter} gifted ${count} subs!`,
      user: gifter,
      roles: ['viewer'],
      // No id on the wire: the gifter's running total (when sent) and the recipients name one gift.
      messageId: `gift:${gifter}:${String(data['gifter_total'] ?? '')}:${recipients.join(',')}`,
    },
    ctx,
  );
}

function fromKicksGifted(data: Data, ctx: Context, event: string): SourceCaption | undefined {
  const sender = record(data, 'sender', event);
  const gift = record(data, 'gift', event);
  const amount = gift['amount'];
  if (typeof amount !== 'number') throw new MalformedFrameError(`${event}: no gift.amount`);
  const min = ctx.triggers.minKicks;
  if (min === null || amount <= 0 || amount < min) return undefined;
  const user = text(sender, 'username', event);
  const giftName = typeof gift['name'] === 'string' && gift['name'] !== '' ? gift['name'] : 'KICKs';
  const message = typeof data['message'] === 'string' ? spokenText(data['message']) : '';
  return caption(
    {
      kind: 'gift',
      text: message === '' ? `${user} sent ${giftName}!` : message,
      user,
      userId: id(sender, 'id', event),
      roles: ['viewer'],
      paidAmount: { value: amount, currency: 'KICKs' },
      giftName,
      messageId: id(data, 'gift_transaction_id', event),
    },
    ctx,
  );
}

/**
 * The event a Kick frame stands for, if any. Throws MalformedFrameError when an event that
 * is read lacks a field it needs.
 */
export function toSourceEvent(event: string, data: Data, triggers: KickTriggers, receivedAtMs: number): SourceEvent | undefined {
  const name = event.startsWith(PREFIX) ? event.slice(PREFIX.length) : event;
  const ctx = { triggers, receivedAtMs };
  switch (name) {
    case 'ChatMessageEvent':
      return fromChatMessage(data, ctx, name);
    case 'SubscriptionEvent':
      return fromSubscription(data, ctx, name);
    case 'GiftedSubscriptionsEvent':
      return fromGiftedSubs(data, ctx, name);
    case 'KicksGifted':
      return fromKicksGifted(data, ctx, name);
    case 'UserBannedEvent': {
      const user = record(data, 'user', name);
      return { type: 'clear-user', source: 'kick', user: text(user, 'username', name), userId: id(user, 'id', name), receivedAtMs };
    }
    case 'MessageDeletedEvent':
      return { type: 'clear-message', source: 'kick', messageId: id(record(data, 'message', name), 'id', name), receivedAtMs };
    default:
      return undefined;
  }
}
