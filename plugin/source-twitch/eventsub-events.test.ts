import { describe, expect, it } from 'vitest';
import {
  BAN,
  CHEER,
  CLEAR_USER_MESSAGES,
  FOLLOW,
  MESSAGE_DELETE,
  RAID,
  REDEMPTION_ADD,
  SUBSCRIPTION_GIFT,
  SUBSCRIPTION_MESSAGE,
} from '../../test/fakes/twitch/eventsub-payloads.ts';
import { notificationEvent, subscriptionsFor, type EventSubTriggers } from './eventsub-events.ts';
import { DEFAULT_TWITCH_TRIGGERS } from './twitch-events.ts';

const ids = { broadcasterId: '1337', tokenUserId: '1337' };
const triggers: EventSubTriggers = { ...DEFAULT_TWITCH_TRIGGERS, rewardIds: ['9001'], raids: true, follows: true };
const read = (type: string, event: object, t: Partial<EventSubTriggers> = {}) =>
  notificationEvent(type, event as Record<string, unknown>, { triggers: { ...triggers, ...t }, ids, messageId: 'msg-1', receivedAtMs: 5 });

describe('EventSub notifications (the docs\' example payloads) → source events', () => {
  it('a redemption of a listed reward reads its input, with the reward id (its voice) and the redemption id', () => {
    expect(read('channel.channel_points_custom_reward_redemption.add', REDEMPTION_ADD)).toEqual({
      type: 'caption',
      kind: 'reward',
      text: 'pogchamp',
      user: 'Cooler_User',
      userId: '9001',
      roles: ['viewer'],
      messageId: '1234',
      source: 'twitch',
      receivedAtMs: 5,
      rewardId: '9001',
    });
  });

  it('a redemption without input reads who redeemed what; an unlisted reward is not read', () => {
    expect(read('channel.channel_points_custom_reward_redemption.add', { ...REDEMPTION_ADD, user_input: '' })).toMatchObject({
      text: 'Cooler_User redeemed title',
    });
    expect(read('channel.channel_points_custom_reward_redemption.add', REDEMPTION_ADD, { rewardIds: ['other'] })).toBeUndefined();
  });

  it('a cheer at or over the threshold is paid bits without its cheermotes; under it, chat rules apply', () => {
    expect(read('channel.cheer', { ...CHEER, message: 'Cheer500 great stream Cheer500' }, { minBits: 1000 })).toMatchObject({
      kind: 'bits',
      text: 'great stream',
      paidAmount: { value: 1000, currency: 'bits' },
      userId: '1234',
    });
    expect(read('channel.cheer', { ...CHEER, bits: 10 }, { minBits: 100 })).toBeUndefined();
    // Cheermotes go first, as on IRC: "Cheer10 !tts hello" is the command "!tts hello".
    expect(read('channel.cheer', { ...CHEER, bits: 10, message: 'Cheer10 !tts hello' }, { minBits: 100 })).toMatchObject({ kind: 'chat', text: 'hello' });
    expect(read('channel.cheer', { ...CHEER, bits: 10, message: '!tts hello Cheer10' }, { minBits: 100 })).toMatchObject({ kind: 'chat', text: 'hello' });
    expect(read('channel.cheer', { ...CHEER, is_anonymous: true, user_id: null, user_login: null, user_name: null })).toMatchObject({ user: 'Anonymous' });
  });

  it('a resub message is a sub caption; gifts and raids are Twitch-like lines', () => {
    expect(read('channel.subscription.message', SUBSCRIPTION_MESSAGE)).toMatchObject({ kind: 'sub', user: 'Cool_User', text: expect.stringContaining('Love the stream!') });
    expect(read('channel.subscription.message', SUBSCRIPTION_MESSAGE, { subs: false })).toBeUndefined();
    expect(read('channel.subscription.gift', SUBSCRIPTION_GIFT)).toMatchObject({ kind: 'gift', text: 'Cool_User gifted 2 Tier 1 subs to the community!' });
    expect(read('channel.subscription.gift', { ...SUBSCRIPTION_GIFT, is_anonymous: true, total: 1, tier: '3000' })).toMatchObject({
      text: 'An anonymous gifter gifted 1 Tier 3 sub to the community!',
    });
    expect(read('channel.raid', RAID)).toMatchObject({ kind: 'raid', user: 'Cool_User', userId: '1234', text: 'Cool_User is raiding with 9001 viewers!' });
    expect(read('channel.raid', RAID, { raids: false })).toBeUndefined();
    expect(read('channel.follow', FOLLOW)).toMatchObject({ kind: 'follow', text: 'Cool_User just followed!' });
    expect(read('channel.follow', FOLLOW, { follows: false })).toBeUndefined();
  });

  it('bans, cleared user messages and deleted messages become clear actions', () => {
    expect(read('channel.ban', BAN)).toEqual({ type: 'clear-user', source: 'twitch', user: 'cool_user', userId: '1234', receivedAtMs: 5 });
    expect(read('channel.chat.clear_user_messages', CLEAR_USER_MESSAGES)).toMatchObject({ type: 'clear-user', user: 'uncool_viewer', userId: '7734' });
    expect(read('channel.chat.message_delete', MESSAGE_DELETE)).toEqual({
      type: 'clear-message',
      source: 'twitch',
      messageId: 'ab24e0b0-2260-4bac-94e4-05eedd4ecd0e',
      receivedAtMs: 5,
    });
    expect(read('channel.update', {})).toBeUndefined();
  });
});

describe('subscriptionsFor', () => {
  it('subscribes moderation always and each read kind only when its trigger is on', () => {
    const types = (t: Partial<EventSubTriggers>) => subscriptionsFor({ ...triggers, ...t }, ids).map((s) => s.type);
    expect(types({})).toEqual([
      'channel.ban',
      'channel.chat.message_delete',
      'channel.chat.clear_user_messages',
      'channel.channel_points_custom_reward_redemption.add',
      'channel.cheer',
      'channel.subscription.message',
      'channel.subscription.gift',
      'channel.raid',
      'channel.follow',
    ]);
    expect(types({ rewardIds: [], minBits: null, subs: false, subGifts: false, raids: false, follows: false })).toEqual([
      'channel.ban',
      'channel.chat.message_delete',
      'channel.chat.clear_user_messages',
    ]);
    const follow = subscriptionsFor(triggers, { broadcasterId: '1', tokenUserId: '2' }).find((s) => s.type === 'channel.follow');
    expect(follow).toMatchObject({ version: '2', condition: { broadcaster_user_id: '1', moderator_user_id: '2' } });
  });
});
