import { describe, expect, it } from 'vitest';
import { clearChatLine, clearMsgLine, privmsgLine, subNoticeLine } from '../../test/fakes/twitch/fake-twitch-irc.ts';
import { parseIrcLine } from './irc-message.ts';
import { ChatMemory } from './chat-memory.ts';
import { DEFAULT_TWITCH_TRIGGERS, rolesFromTags, toSourceEvent, type Coverage, type TwitchTriggers } from './twitch-events.ts';

const viewer = { login: 'viewer1', displayName: 'Viewer1', userId: '42' };

function eventOf(line: string, triggers: Partial<TwitchTriggers> = {}) {
  const msg = parseIrcLine(line);
  if (!msg) throw new Error(`unparsable: ${line}`);
  return toSourceEvent(msg, { ...DEFAULT_TWITCH_TRIGGERS, ...triggers }, 1_000);
}

describe('PRIVMSG triggers', () => {
  it('command prefix: reads the text after !tts, ignores other messages', () => {
    const e = eventOf(privmsgLine('chan', viewer, '!tts hello there', { id: 'm1' }));
    expect(e).toMatchObject({
      type: 'caption',
      kind: 'chat',
      text: 'hello there',
      user: 'Viewer1',
      userId: '42',
      roles: ['viewer'],
      messageId: 'm1',
      source: 'twitch',
      receivedAtMs: 1_000,
    });
    expect(eventOf(privmsgLine('chan', viewer, 'hello there'))).toBeUndefined();
    expect(eventOf(privmsgLine('chan', viewer, '!ttsx hello'))).toBeUndefined();
  });

  it('custom command prefix', () => {
    expect(eventOf(privmsgLine('chan', viewer, '!say hi'), { commandPrefix: '!say' })).toMatchObject({ text: 'hi' });
  });

  it('all messages', () => {
    expect(eventOf(privmsgLine('chan', viewer, 'hello there'), { allMessages: true })).toMatchObject({
      kind: 'chat',
      text: 'hello there',
    });
  });

  it('bits at or above the threshold: kind bits, paid amount, cheermotes removed', () => {
    const e = eventOf(privmsgLine('chan', viewer, 'Cheer100 great stream Cheer50', { bits: 150 }), { minBits: 150 });
    expect(e).toMatchObject({ kind: 'bits', text: 'great stream', paidAmount: { value: 150, currency: 'bits' } });
  });

  it('bits below the threshold fall back to the chat triggers', () => {
    expect(eventOf(privmsgLine('chan', viewer, 'Cheer10 hi', { bits: 10 }), { minBits: 100 })).toBeUndefined();
    const e = eventOf(privmsgLine('chan', viewer, '!tts Cheer10 hi', { bits: 10 }), { minBits: 100 });
    expect(e).toMatchObject({ kind: 'chat', text: 'hi' });
    expect(e).not.toHaveProperty('paidAmount');
  });

  it('channel-point reward: configured reward ids are read, other redemptions are plain chat', () => {
    const line = privmsgLine('chan', viewer, 'read this please', { 'custom-reward-id': 'rw-1' });
    expect(eventOf(line, { rewardIds: ['rw-1'] })).toMatchObject({ kind: 'reward', text: 'read this please', rewardId: 'rw-1' });
    expect(eventOf(line, { rewardIds: ['other'] })).toBeUndefined();
    expect(eventOf(line, { rewardIds: ['other'], allMessages: true })).toMatchObject({ kind: 'chat' });
  });

  it('removes emote ranges before speech', () => {
    const e = eventOf(privmsgLine('chan', viewer, '!tts Kappa hi 🦖 Kappa', { emotes: '25:5-9,16-20' }));
    expect(e).toMatchObject({ text: 'hi 🦖' });
  });

  it('reads /me actions without the CTCP wrapper', () => {
    expect(eventOf(privmsgLine('chan', viewer, '\u0001ACTION waves\u0001'), { allMessages: true })).toMatchObject({
      text: 'waves',
    });
  });

  it('ignores messages that are empty after emote removal', () => {
    expect(eventOf(privmsgLine('chan', viewer, 'Kappa', { emotes: '25:0-4' }), { allMessages: true })).toBeUndefined();
  });
});

describe('roles', () => {
  it('maps badges and tags', () => {
    expect(rolesFromTags({ badges: 'broadcaster/1,subscriber/0' })).toEqual(['broadcaster', 'subscriber', 'viewer']);
    expect(rolesFromTags({ badges: '', mod: '1' })).toEqual(['moderator', 'viewer']);
    expect(rolesFromTags({ badges: 'vip/1', vip: '1' })).toEqual(['vip', 'viewer']);
    expect(rolesFromTags({ badges: 'founder/0' })).toEqual(['subscriber', 'viewer']);
    expect(rolesFromTags({})).toEqual(['viewer']);
  });
});

describe('USERNOTICE subs', () => {
  it('reads the message of a sub and a resub', () => {
    expect(eventOf(subNoticeLine('chan', viewer, 'resub', 'three months already', { id: 'n1' }))).toMatchObject({
      kind: 'sub',
      text: 'three months already',
      user: 'Viewer1',
      messageId: 'n1',
    });
    expect(eventOf(subNoticeLine('chan', viewer, 'sub', 'hi all'))).toMatchObject({ kind: 'sub', text: 'hi all' });
  });

  it('ignores subs without a message, other notices, and subs when disabled', () => {
    expect(eventOf(subNoticeLine('chan', viewer, 'sub'))).toBeUndefined();
    expect(eventOf(subNoticeLine('chan', viewer, 'subgift', 'x'), { subGifts: false })).toBeUndefined();
    expect(eventOf(subNoticeLine('chan', viewer, 'sub', 'hi'), { subs: false })).toBeUndefined();
  });
});

describe('moderation actions', () => {
  it('CLEARCHAT with a target (ban or timeout) → clear-user', () => {
    expect(eventOf(clearChatLine('chan', { login: 'viewer1', userId: '42', banDurationS: 600 }))).toEqual({
      type: 'clear-user',
      source: 'twitch',
      user: 'viewer1',
      userId: '42',
      receivedAtMs: 1_000,
    });
    expect(eventOf(clearChatLine('chan', { login: 'viewer1', userId: '42' }))).toMatchObject({ type: 'clear-user' });
  });

  it('CLEARCHAT without a target (whole chat cleared) is not a user action', () => {
    expect(eventOf(clearChatLine('chan'))).toBeUndefined();
  });

  it('CLEARMSG → clear-message with the target message id', () => {
    expect(eventOf(clearMsgLine('chan', 'viewer1', 'abc-123', 'bad words'))).toEqual({
      type: 'clear-message',
      source: 'twitch',
      messageId: 'abc-123',
      receivedAtMs: 1_000,
    });
  });
});

describe('kinds EventSub covers are not read over IRC (one path per kind)', () => {
  const all: Coverage = () => true;
  const read = (line: string, covered: Coverage, triggers: Partial<TwitchTriggers> = {}) =>
    toSourceEvent(parseIrcLine(line)!, { ...DEFAULT_TWITCH_TRIGGERS, rewardIds: ['r1'], raids: true, ...triggers }, 1_000, new ChatMemory(), covered);

  it('skips cheers, listed redemptions, resubs, gifts and raids while covered, and reads them when not', () => {
    const lines = [
      privmsgLine('chan', viewer, 'Cheer100 hi', { bits: 100 }),
      privmsgLine('chan', viewer, 'my redemption', { 'custom-reward-id': 'r1' }),
      subNoticeLine('chan', viewer, 'resub', 'still here'),
      subNoticeLine('chan', viewer, 'subgift', undefined, { 'system-msg': 'Viewer1 gifted a Tier 1 sub to Bob!' }),
      subNoticeLine('chan', viewer, 'raid', undefined, { 'system-msg': '5 raiders from Viewer1 have joined!' }),
    ];
    expect(lines.map((l) => read(l, all))).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(lines.map((l) => (read(l, () => false) as { kind?: string } | undefined)?.kind)).toEqual(['bits', 'reward', 'sub', 'gift', 'raid']);
  });

  it('keeps chat, first-sub messages, unlisted rewards and moderation on IRC', () => {
    expect(read(privmsgLine('chan', viewer, '!tts hello'), all)).toMatchObject({ kind: 'chat' });
    expect(read(subNoticeLine('chan', viewer, 'sub', 'first sub!'), all)).toMatchObject({ kind: 'sub', text: 'first sub!' });
    expect(read(privmsgLine('chan', viewer, '!tts other reward', { 'custom-reward-id': 'r2' }), all)).toMatchObject({ kind: 'chat' });
    expect(read(clearChatLine('chan', { login: 'viewer1', userId: '42' }), all)).toMatchObject({ type: 'clear-user' });
    expect(read(clearMsgLine('chan', 'viewer1', 'm9', 'x'), all)).toMatchObject({ type: 'clear-message', messageId: 'm9' });
  });
});
