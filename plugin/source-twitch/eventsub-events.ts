/**
 * Which EventSub subscriptions the triggers need, and what their notifications mean as
 * SourceEvents. Types, versions, conditions, scopes and event fields:
 * https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/ and
 * https://dev.twitch.tv/docs/eventsub/eventsub-reference/ (the payloads in
 * eventsub-events.test.ts are the docs' examples, as kept in twitch-rs/twitch_api's tests).
 */
import { triggeredChatText, type SourceCaption, type SourceEvent } from '../../server/src/core/source.ts';
import { removeEmoteRanges } from './emote-ranges.ts';
import { withoutCheermotes, type CoveredKind, type TwitchTriggers } from './twitch-events.ts';

export interface EventSubTriggers extends TwitchTriggers {
  /** Read new followers (kind 'follow'); needs moderator:read:followers. */
  follows: boolean;
}

/** One subscription to create: what Helix is sent, the scope it needs, the IRC kind it takes over. */
export interface SubscriptionSpec {
  type: string;
  version: string;
  condition: Record<string, string>;
  /** Any one of these scopes (for the streamer's notice when Twitch answers 403). */
  scopes: string[];
  covers?: CoveredKind;
}

/** Whose channel, and who the token is (chat and follower subscriptions name the reader). */
export interface EventSubIds {
  broadcasterId: string;
  tokenUserId: string;
}

/** The subscriptions `triggers` need: a kind that is not read is not subscribed to. */
export function subscriptionsFor(triggers: EventSubTriggers, ids: EventSubIds): SubscriptionSpec[] {
  const broadcaster = { broadcaster_user_id: ids.broadcasterId };
  const asReader = { broadcaster_user_id: ids.broadcasterId, user_id: ids.tokenUserId };
  const specs: SubscriptionSpec[] = [
    // Moderation first: a ban must reach the queue whatever else is refused.
    { type: 'channel.ban', version: '1', condition: broadcaster, scopes: ['channel:moderate'] },
    { type: 'channel.chat.message_delete', version: '1', condition: asReader, scopes: ['user:read:chat'] },
    { type: 'channel.chat.clear_user_messages', version: '1', condition: asReader, scopes: ['user:read:chat'] },
  ];
  if (triggers.rewardIds.length > 0) {
    specs.push({
      type: 'channel.channel_points_custom_reward_redemption.add',
      version: '1',
      condition: broadcaster,
      scopes: ['channel:read:redemptions', 'channel:manage:redemptions'],
      covers: 'reward',
    });
  }
  if (triggers.minBits !== null) specs.push({ type: 'channel.cheer', version: '1', condition: broadcaster, scopes: ['bits:read'], covers: 'bits' });
  if (triggers.subs) {
    specs.push({ type: 'channel.subscription.message', version: '1', condition: broadcaster, scopes: ['channel:read:subscriptions'], covers: 'resub' });
  }
  if (triggers.subGifts) {
    specs.push({ type: 'channel.subscription.gift', version: '1', condition: broadcaster, scopes: ['channel:read:subscriptions'], covers: 'gift' });
  }
  if (triggers.raids) specs.push({ type: 'channel.raid', version: '1', condition: { to_broadcaster_user_id: ids.broadcasterId }, scopes: [], covers: 'raid' });
  if (triggers.follows) {
    specs.push({
      type: 'channel.follow',
      version: '2',
      condition: { broadcaster_user_id: ids.broadcasterId, moderator_user_id: ids.tokenUserId },
      scopes: ['moderator:read:followers'],
    });
  }
  return specs;
}

type Fields = Record<string, unknown>;

function str(event: Fields, key: string): string {
  const value = event[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function num(event: Fields, key: string): number {
  const value = Number(event[key]);
  return Number.isFinite(value) ? value : 0;
}

/** What every EventSub caption shares; `messageId` is the notification's (or the redemption's) id. */
function caption(
  kind: SourceCaption['kind'],
  text: string,
  who: { name: string; id: string },
  messageId: string,
  ids: EventSubIds,
  receivedAtMs: number,
): SourceCaption {
  return {
    type: 'caption',
    kind,
    text,
    user: who.name || 'unknown',
    ...(who.id ? { userId: who.id } : {}),
    roles: who.id !== '' && who.id === ids.broadcasterId ? ['broadcaster', 'viewer'] : ['viewer'],
    messageId,
    source: 'twitch',
    receivedAtMs,
  };
}

const user = (event: Fields, prefix = 'user'): { name: string; id: string } => ({
  name: str(event, `${prefix}_name`) || str(event, `${prefix}_login`),
  id: str(event, `${prefix}_id`),
});

/** A sub message's emotes ([{begin, end, id}]) as the IRC tag removeEmoteRanges reads. */
function emotesTag(emotes: unknown): string | undefined {
  if (!Array.isArray(emotes)) return undefined;
  return emotes
    .filter((e): e is Fields => typeof e === 'object' && e !== null)
    .map((e) => `${str(e, 'id')}:${num(e, 'begin')}-${num(e, 'end')}`)
    .join('/');
}

function tierName(tier: string): string {
  return `Tier ${Math.max(1, Math.round(Number(tier) / 1000) || 1)}`;
}

export interface NotificationContext {
  triggers: EventSubTriggers;
  ids: EventSubIds;
  /** metadata.message_id: a caption's id when the event has none of its own. */
  messageId: string;
  receivedAtMs: number;
}

/** The SourceEvent a notification stands for, if any. */
export function notificationEvent(type: string, event: Fields, ctx: NotificationContext): SourceEvent | undefined {
  const { triggers, ids, messageId, receivedAtMs } = ctx;
  switch (type) {
    case 'channel.ban':
    case 'channel.chat.clear_user_messages': {
      const prefix = type === 'channel.ban' ? 'user' : 'target_user';
      const login = str(event, `${prefix}_login`);
      const userId = str(event, `${prefix}_id`);
      if (!login && !userId) return undefined;
      return { type: 'clear-user', source: 'twitch', user: login || userId, ...(userId ? { userId } : {}), receivedAtMs };
    }
    case 'channel.chat.message_delete': {
      const deleted = str(event, 'message_id');
      return deleted ? { type: 'clear-message', source: 'twitch', messageId: deleted, receivedAtMs } : undefined;
    }
    case 'channel.channel_points_custom_reward_redemption.add': {
      const reward = (event['reward'] ?? {}) as Fields;
      const rewardId = str(reward, 'id');
      if (!triggers.rewardIds.includes(rewardId)) return undefined;
      const who = user(event);
      const text = str(event, 'user_input').trim() || `${who.name} redeemed ${str(reward, 'title')}`.trim();
      return { ...caption('reward', text, who, str(event, 'id') || messageId, ids, receivedAtMs), rewardId };
    }
    case 'channel.cheer': {
      const bits = num(event, 'bits');
      const text = withoutCheermotes(str(event, 'message'));
      const who = event['is_anonymous'] === true ? { name: 'Anonymous', id: '' } : user(event);
      if (text === '') return undefined;
      if (triggers.minBits !== null && bits >= triggers.minBits) {
        return { ...caption('bits', text, who, messageId, ids, receivedAtMs), paidAmount: { value: bits, currency: 'bits' } };
      }
      const chatText = triggeredChatText(text, triggers);
      return chatText === undefined ? undefined : caption('chat', chatText, who, messageId, ids, receivedAtMs);
    }
    case 'channel.subscription.message': {
      const message = (event['message'] ?? {}) as Fields;
      const text = triggers.subs ? removeEmoteRanges(str(message, 'text'), emotesTag(message['emotes'])).trim() : '';
      return text === '' ? undefined : caption('sub', text, user(event), messageId, ids, receivedAtMs);
    }
    case 'channel.subscription.gift': {
      if (!triggers.subGifts) return undefined;
      const anonymous = event['is_anonymous'] === true;
      const total = Math.max(1, num(event, 'total'));
      const who = anonymous ? { name: 'An anonymous gifter', id: '' } : user(event);
      const text = `${who.name} gifted ${total} ${tierName(str(event, 'tier'))} sub${total === 1 ? '' : 's'} to the community!`;
      return caption('gift', text, who, messageId, ids, receivedAtMs);
    }
    case 'channel.raid': {
      if (!triggers.raids) return undefined;
      const who = user(event, 'from_broadcaster_user');
      return caption('raid', `${who.name} is raiding with ${num(event, 'viewers')} viewers!`, who, messageId, ids, receivedAtMs);
    }
    case 'channel.follow': {
      if (!triggers.follows) return undefined;
      const who = user(event);
      return caption('follow', `${who.name} just followed!`, who, messageId, ids, receivedAtMs);
    }
    default:
      return undefined;
  }
}
