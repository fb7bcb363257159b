import { describe, expect, it } from 'vitest';
import { liveChat, REAL_PAGE_2018 } from '../../test/fakes/youtube/live-chat-messages.ts';
import { DEFAULT_YOUTUBE_TRIGGERS, toSourceEvent, type LiveChatMessage, type YouTubeTriggers } from './youtube-messages.ts';
import { toReferenceAmount } from './currency-rates.ts';

const chat = liveChat('chat-1');
const viewer = { channelId: 'UCviewer', displayName: 'Viewer One' };
const mod = { channelId: 'UCmod', displayName: 'Mod', isChatModerator: true };
const at = 1_700_000_000_000;
const read = (m: unknown, triggers: Partial<YouTubeTriggers> = {}) =>
  toSourceEvent(m as LiveChatMessage, { triggers: { ...DEFAULT_YOUTUBE_TRIGGERS, ...triggers }, receivedAtMs: at });

describe('liveChatMessage → source event', () => {
  it('reads a chat message by the command prefix, or all of them when asked; strips emoji shortcodes', () => {
    expect(read(chat.text('m1', viewer, 'hello there'))).toBeUndefined();
    expect(read(chat.text('m2', viewer, '!tts hello :face-blue-smiling: there'))).toMatchObject({
      type: 'caption',
      kind: 'chat',
      text: 'hello there',
      user: 'Viewer One',
      userId: 'UCviewer',
      messageId: 'm2',
      source: 'youtube',
      roles: ['viewer'],
      receivedAtMs: at,
    });
    expect(read(chat.text('m3', { ...viewer, isChatSponsor: true, isChatOwner: true }, 'hi'), { allMessages: true })).toMatchObject({
      text: 'hi',
      roles: ['broadcaster', 'subscriber', 'viewer'],
    });
  });

  it('reads the real 2018 capture (no authorDetails: the channel id of the snippet)', () => {
    expect(read(REAL_PAGE_2018.items[0], { allMessages: true })).toMatchObject({ text: 'test', userId: 'UCG7yIWtVwcENg_ZS-nahg5g', user: 'unknown' });
  });

  it('reads Super Chats at the threshold in US dollars, converting the currency; under it they are chat', () => {
    expect(read(chat.superChat('s1', viewer, 5_000_000, 'USD', '$5.00', 'great stream'))).toMatchObject({
      kind: 'superchat',
      text: 'great stream',
      paidAmount: { value: 5, currency: 'USD' },
    });
    // ¥100 ≈ $0.66: under $1, and without the prefix not read at all.
    expect(read(chat.superChat('s2', viewer, 100_000_000, 'JPY', '¥100', 'small one'))).toBeUndefined();
    expect(read(chat.superChat('s3', viewer, 100_000_000, 'JPY', '¥100', '!tts small one'))).toMatchObject({ kind: 'chat', text: 'small one' });
    expect(read(chat.superChat('s4', viewer, 500_000_000, 'JPY', '¥500', 'bigger'))).toMatchObject({ kind: 'superchat', paidAmount: { value: 500, currency: 'JPY' } });
    // No comment: the readout says who paid.
    expect(read(chat.superChat('s5', viewer, 2_000_000, 'EUR', '€2.00', ''))).toMatchObject({ text: 'Viewer One sent a Super Chat' });
    // A currency without a rate is read (never dropped for want of a rate); off = chat rules only.
    expect(read(chat.superChat('s6', viewer, 1_000_000, 'XYZ', 'XYZ 1', 'mystery'))).toMatchObject({ kind: 'superchat' });
    expect(read(chat.superChat('s7', viewer, 50_000_000, 'USD', '$50.00', 'off'), { minSuperChatUsd: null })).toBeUndefined();
    expect(toReferenceAmount(1_000_000, 'gbp')).toBeCloseTo(1.27);
  });

  it('reads a Super Sticker by its alt text, with the sticker id for the voice rules', () => {
    expect(read(chat.superSticker('k1', viewer, 2_000_000, 'USD', '$2.00', 'sticker-42', 'Waving cat'))).toMatchObject({
      kind: 'superchat',
      text: 'Viewer One sent a Super Sticker: Waving cat',
      giftName: 'sticker-42',
      paidAmount: { value: 2, currency: 'USD' },
    });
    expect(read(chat.superSticker('k2', viewer, 500_000, 'USD', '$0.50', 'sticker-1', 'cheap'))).toBeUndefined();
  });

  it('reads memberships, milestones and gifts per setting', () => {
    expect(read(chat.newSponsor('n1', viewer, 'Gold'))).toMatchObject({ kind: 'sub', text: 'Viewer One became a member: Gold', giftName: 'Gold' });
    expect(read(chat.newSponsor('n2', viewer, 'Platinum', true))).toMatchObject({ text: 'Viewer One upgraded their membership: Platinum' });
    expect(read(chat.newSponsor('n3', viewer, 'Gold'), { memberships: false })).toBeUndefined();
    expect(read(chat.milestone('n4', viewer, 6, 'Gold', 'half a year!'))).toMatchObject({ kind: 'sub', text: 'half a year!' });
    expect(read(chat.milestone('n5', viewer, 6, 'Gold', ''))).toMatchObject({ text: 'Viewer One has been a member for 6 months' });
    expect(read(chat.milestone('n6', viewer, 6, 'Gold', 'x'), { milestones: false })).toBeUndefined();
    expect(read(chat.membershipGifting('g1', viewer, 5, 'Gold'))).toMatchObject({ kind: 'gift', text: 'Viewer One gifted 5 Gold memberships' });
    expect(read(chat.membershipGifting('g2', viewer, 5, 'Gold'), { giftMemberships: false })).toBeUndefined();
    expect(read(chat.giftMembershipReceived('g3', viewer, 'Gold', 'UCgifter', 'g1'))).toBeUndefined();
    expect(read(chat.giftMembershipReceived('g4', viewer, 'Gold', 'UCgifter', 'g1'), { giftReceived: true })).toMatchObject({
      kind: 'sub',
      text: 'Viewer One received a gift membership',
    });
  });

  it('turns deletions and bans (permanent or temporary) into clear actions; chatEndedEvent ends the chat', () => {
    expect(read(chat.messageDeleted('d1', mod, 'm2'))).toEqual({ type: 'clear-message', source: 'youtube', messageId: 'm2', receivedAtMs: at });
    expect(read(chat.userBanned('b1', mod, viewer, 'permanent'))).toEqual({ type: 'clear-user', source: 'youtube', user: 'Viewer One', userId: 'UCviewer', receivedAtMs: at });
    expect(read(chat.userBanned('b2', mod, viewer, 'temporary', 300))).toMatchObject({ type: 'clear-user', userId: 'UCviewer' });
    expect(read(chat.chatEnded('e1'))).toBe('chat-ended');
  });

  it('ignores what is not a message and odd input', () => {
    for (const odd of [{}, { id: 'x' }, { id: 'x', snippet: { type: 'tombstone' } }, { id: 'x', snippet: { type: 'pollEvent' } }, { snippet: { type: 'textMessageEvent' } }]) {
      expect(read(odd, { allMessages: true })).toBeUndefined();
    }
    expect(read({ id: 'x', snippet: { type: 'superChatEvent', superChatDetails: { amountMicros: 'lots' } } })).toBeUndefined();
  });
});
