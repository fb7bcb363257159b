/**
 * Real Kick payloads (test/fakes/kick/kick-payloads.ts: captures quoted by public projects)
 * through the mapping: every trigger, paid detection with its thresholds, bans and deletions.
 */
import { describe, expect, it } from 'vitest';
import { appFrame, chatData, EVENTS, REAL_DATA, REAL_FRAMES } from '../../test/fakes/kick/kick-payloads.ts';
import { DEFAULT_KICK_TRIGGERS, rolesFromBadges, toSourceEvent, type KickTriggers } from './kick-events.ts';
import { MalformedFrameError, parsePusherFrame } from './pusher-frame.ts';

const AT = 1_700_000_000_000;
const ALL: KickTriggers = { ...DEFAULT_KICK_TRIGGERS, allMessages: true };

function fromFrame(text: string, triggers: KickTriggers = ALL) {
  const frame = parsePusherFrame(text);
  return toSourceEvent(frame.event, frame.data, triggers, AT);
}

describe('Kick chat messages', () => {
  it('reads a captured message with its user id, message id and badges as roles', () => {
    expect(fromFrame(REAL_FRAMES.chatModeratorSubscriber)).toEqual({
      type: 'caption',
      kind: 'chat',
      text: 'corsette is crazy',
      user: 'virtualmeal',
      userId: '2789967',
      roles: ['moderator', 'subscriber', 'viewer'],
      messageId: 'c0c85e41-2d34-45f4-9b57-bc7799245858',
      source: 'kick',
      receivedAtMs: AT,
    });
    expect(fromFrame(REAL_FRAMES.chatPlain)).toMatchObject({ user: 'tayloredbydrew', roles: ['viewer'] });
    expect(fromFrame(REAL_FRAMES.chatSubscriberEmote)).toMatchObject({ roles: ['subscriber', 'viewer'] });
  });

  it('reads only messages with the command prefix unless every message is read', () => {
    const triggers = DEFAULT_KICK_TRIGGERS;
    expect(fromFrame(REAL_FRAMES.chatPlain, triggers)).toBeUndefined();
    const command = appFrame(EVENTS.chat, chatData(1, { id: 5, username: 'Ayse' }, '!TTS merhaba dünya', 'm-1'));
    expect(fromFrame(command, triggers)).toMatchObject({ kind: 'chat', text: 'merhaba dünya', messageId: 'm-1' });
    expect(fromFrame(command, { ...triggers, commandPrefix: null })).toBeUndefined();
  });

  it('drops emotes from the spoken text, and skips an emote-only message', () => {
    const withEmote = appFrame(EVENTS.chat, chatData(1, { id: 5, username: 'u' }, 'gg [emote:37226:KEKW] wp [emote:1:emojiFire]', 'e-1'));
    expect(fromFrame(withEmote)).toMatchObject({ text: 'gg wp' });
    expect(fromFrame(appFrame(EVENTS.chat, chatData(1, { id: 5, username: 'u' }, '[emote:37226:KEKW]', 'e-2')))).toBeUndefined();
  });

  it('reads a reply like a message', () => {
    const reply = appFrame(EVENTS.chat, chatData(1, { id: 5, username: 'Ali' }, 'sorum var', 'r-1', 'reply'));
    expect(fromFrame(reply)).toMatchObject({ kind: 'chat', text: 'sorum var' });
  });

  it('maps broadcaster, moderator, vip, subscriber and founder badges; OG and others add nothing', () => {
    const badges = ['broadcaster', 'moderator', 'vip', 'og', 'founder', 'sub_gifter'].map((type) => ({ type, text: type }));
    expect(rolesFromBadges(badges)).toEqual(['broadcaster', 'moderator', 'vip', 'subscriber', 'viewer']);
    expect(rolesFromBadges(undefined)).toEqual(['viewer']);
  });
});

describe('Kick subscriptions and paid events', () => {
  it('reads a subscription (kind sub, paid by kind) and a resub celebration message', () => {
    expect(fromFrame(appFrame(EVENTS.subscription, REAL_DATA.subscription))).toMatchObject({
      kind: 'sub',
      text: 'Biceus subscribed for 9 months!',
      user: 'Biceus',
    });
    const celebration = appFrame(EVENTS.chat, { ...chatData(1, { id: 7, username: 'Fan', badges: ['subscriber'] }, 'nine months already', 'c-1', 'celebration'), metadata: { celebration: { id: 'x', total_months: 9, type: 'subscription_renewed', created_at: '2025-01-01T00:00:00Z' } } });
    expect(fromFrame(celebration, DEFAULT_KICK_TRIGGERS)).toMatchObject({ kind: 'sub', text: 'nine months already' });
    expect(fromFrame(celebration, { ...DEFAULT_KICK_TRIGGERS, subs: false })).toBeUndefined();
    expect(fromFrame(appFrame(EVENTS.subscription, REAL_DATA.subscription), { ...ALL, subs: false })).toBeUndefined();
  });

  it('reads gifted subs as a paid gift, with a threshold on the count', () => {
    expect(fromFrame(REAL_FRAMES.giftedOne)).toMatchObject({ kind: 'gift', text: 'eddieoz gifted a sub to Khalek!', user: 'eddieoz' });
    const five = appFrame(EVENTS.gifted, REAL_DATA.giftedFive);
    expect(fromFrame(five)).toMatchObject({ kind: 'gift', text: 'BigHornsBigKnives gifted 5 subs!' });
    expect(fromFrame(five, { ...ALL, minGiftedSubs: 5 })).toBeDefined();
    expect(fromFrame(five, { ...ALL, minGiftedSubs: 6 })).toBeUndefined();
    expect(fromFrame(five, { ...ALL, minGiftedSubs: null })).toBeUndefined();
    // The chatroom_<id> channel names it without the App\Events\ prefix.
    expect(fromFrame(appFrame('GiftedSubscriptionsEvent', REAL_DATA.giftedFive))).toMatchObject({ kind: 'gift' });
  });

  it('reads KICKs with their amount and gift name, at or above the threshold', () => {
    const kicks = appFrame(EVENTS.kicks, REAL_DATA.kicksGifted, 'channel_875396');
    expect(fromFrame(kicks)).toMatchObject({
      kind: 'gift',
      text: 'TAKE MINE!',
      user: 'ChrisE',
      userId: '3026507',
      paidAmount: { value: 1000, currency: 'KICKs' },
      giftName: 'Pack It Up',
      messageId: 'e28a9427-353b-4fa8-9b88-918e40d6d7eb',
    });
    expect(fromFrame(kicks, { ...ALL, minKicks: 1001 })).toBeUndefined();
    expect(fromFrame(kicks, { ...ALL, minKicks: null })).toBeUndefined();
    const silent = appFrame(EVENTS.kicks, { ...REAL_DATA.kicksGifted, message: '' });
    expect(fromFrame(silent)).toMatchObject({ text: 'ChrisE sent Pack It Up!' });
  });
});

describe('Kick moderation', () => {
  it('a permanent ban and a timeout clear the user, by id', () => {
    expect(fromFrame(REAL_FRAMES.ban)).toEqual({ type: 'clear-user', source: 'kick', user: 'JohnsonAndJohnson1', userId: '25556531', receivedAtMs: AT });
    expect(fromFrame(appFrame(EVENTS.banned, REAL_DATA.timeout))).toMatchObject({ type: 'clear-user', user: 'helpinghand', userId: '24580921' });
  });

  it('a deleted message clears that message (message.id, not the event id)', () => {
    expect(fromFrame(appFrame(EVENTS.deleted, REAL_DATA.messageDeleted))).toEqual({
      type: 'clear-message',
      source: 'kick',
      messageId: '499500b9-ea91-467f-9034-9eee6e6e164a',
      receivedAtMs: AT,
    });
  });

  it('ignores a chat clear, pinned messages and unknown events', () => {
    expect(fromFrame(appFrame(EVENTS.cleared, { id: 'x' }))).toBeUndefined();
    expect(fromFrame(appFrame(EVENTS.pinned, { message: { id: 'm' }, duration: '20' }))).toBeUndefined();
    expect(fromFrame(appFrame('App\\Events\\PollUpdateEvent', { poll: {} }))).toBeUndefined();
  });

  it('a read event missing what it needs is malformed', () => {
    expect(() => fromFrame(appFrame(EVENTS.chat, { id: 'x', content: 'hi' }))).toThrow(MalformedFrameError);
    expect(() => fromFrame(appFrame(EVENTS.deleted, { id: 'x' }))).toThrow(MalformedFrameError);
    expect(() => fromFrame(appFrame(EVENTS.gifted, { gifter_username: 'g', gifted_usernames: 'a' }))).toThrow(MalformedFrameError);
    expect(() => fromFrame(appFrame(EVENTS.kicks, { sender: { id: 1, username: 'u' }, gift: {} }))).toThrow(MalformedFrameError);
  });
});
