import { describe, expect, it } from 'vitest';
import { bilibiliCommands } from '../../test/fakes/bilibili/fake-bilibili-live.ts';
import { DEFAULT_BILIBILI_TRIGGERS, toSourceEvents, type BilibiliTriggers } from './bilibili-commands.ts';

function eventsOf(body: object, triggers: Partial<BilibiliTriggers> = {}, anchorUid?: number) {
  return toSourceEvents(body, {
    triggers: { ...DEFAULT_BILIBILI_TRIGGERS, ...triggers },
    ...(anchorUid === undefined ? {} : { anchorUid }),
    receivedAtMs: 5,
  });
}

describe('DANMU_MSG', () => {
  it('becomes a chat caption: info[1] text, info[2][0] uid, info[2][1] uname', () => {
    expect(eventsOf(bilibiliCommands.danmaku('主播好', { uid: 123, uname: '观众A' }))).toEqual([
      {
        type: 'caption',
        kind: 'chat',
        text: '主播好',
        user: '观众A',
        userId: '123',
        roles: ['viewer'],
        messageId: expect.any(String),
        source: 'bilibili',
        receivedAtMs: 5,
      },
    ]);
  });

  it('maps admin, guard (舰长) and the anchor to roles', () => {
    const admin = eventsOf(bilibiliCommands.danmaku('hi', { uid: 1, uname: 'a', admin: true, guardLevel: 3 }));
    expect(admin[0]).toMatchObject({ roles: ['moderator', 'subscriber', 'viewer'] });
    const anchor = eventsOf(bilibiliCommands.danmaku('hi', { uid: 9, uname: 'me' }), {}, 9);
    expect(anchor[0]).toMatchObject({ roles: ['broadcaster', 'viewer'] });
  });

  it('removes inline emote codes listed in mode_info.extra.emots', () => {
    const body = bilibiliCommands.danmaku('[dog] 好耶 [笑哭]', { uid: 1, uname: 'a' }, ['[dog]', '[笑哭]']);
    expect(eventsOf(body)[0]).toMatchObject({ text: '好耶' });
  });

  it('skips sticker danmaku and messages that are only emotes', () => {
    expect(eventsOf(bilibiliCommands.sticker({ uid: 1, uname: 'a' }))).toEqual([]);
    expect(eventsOf(bilibiliCommands.danmaku('[dog]', { uid: 1, uname: 'a' }, ['[dog]']))).toEqual([]);
  });

  it('honours a command prefix when all messages are off', () => {
    const triggers = { commandPrefix: '#读', allMessages: false };
    expect(eventsOf(bilibiliCommands.danmaku('#读 你好', { uid: 1, uname: 'a' }), triggers)[0]).toMatchObject({ text: '你好' });
    expect(eventsOf(bilibiliCommands.danmaku('你好', { uid: 1, uname: 'a' }), triggers)).toEqual([]);
  });

  it('accepts the suffixed command name of older servers', () => {
    const body = { ...bilibiliCommands.danmaku('hi', { uid: 1, uname: 'a' }), cmd: 'DANMU_MSG:4:0:2:2:2:0' };
    expect(eventsOf(body)).toHaveLength(1);
  });

  it('ignores malformed and unknown commands', () => {
    expect(eventsOf({ cmd: 'DANMU_MSG', info: 'nope' })).toEqual([]);
    expect(eventsOf({ cmd: 'INTERACT_WORD', data: {} })).toEqual([]);
    expect(eventsOf({ nocmd: true })).toEqual([]);
  });
});

describe('SEND_GIFT', () => {
  it('a gold gift at or above the CNY threshold is a paid readout, with the gift name (the voice rules key on it)', () => {
    const [event] = eventsOf(bilibiliCommands.gift('土豪', '小电视飞船', 2, 2_490_000), { minGiftCny: 100 });
    expect(event).toMatchObject({
      kind: 'gift',
      text: '土豪送出了2个小电视飞船',
      user: '土豪',
      paidAmount: { value: 2490, currency: 'CNY' },
      giftName: '小电视飞船',
    });
  });

  it('gifts below the threshold, silver gifts, and gifts when off are not read', () => {
    expect(eventsOf(bilibiliCommands.gift('a', '辣条', 10, 1_000), { minGiftCny: 5 })).toEqual([]);
    expect(eventsOf(bilibiliCommands.gift('a', '辣条', 10, 1_000_000, 'silver'), { minGiftCny: 0 })).toEqual([]);
    expect(eventsOf(bilibiliCommands.gift('a', '飞船', 1, 1_245_000), { minGiftCny: null })).toEqual([]);
  });

  it('uses the gift template', () => {
    const [event] = eventsOf(bilibiliCommands.gift('a', 'B', 3, 3_000), { minGiftCny: 1, giftTemplate: 'thanks {user} for {num} {gift}' });
    expect(event).toMatchObject({ text: 'thanks a for 3 B' });
  });
});

describe('SUPER_CHAT_MESSAGE', () => {
  it('a super chat at or above the threshold is read with its CNY price', () => {
    const [event] = eventsOf(bilibiliCommands.superChat(42, '老板', 50, '主播加油'), { minSuperChatCny: 30 });
    expect(event).toMatchObject({
      kind: 'superchat',
      text: '主播加油',
      user: '老板',
      userId: '888',
      roles: ['subscriber', 'viewer'],
      paidAmount: { value: 50, currency: 'CNY' },
      messageId: 'sc-42',
    });
  });

  it('below the threshold or off → nothing', () => {
    expect(eventsOf(bilibiliCommands.superChat(1, 'a', 30, 'x'), { minSuperChatCny: 50 })).toEqual([]);
    expect(eventsOf(bilibiliCommands.superChat(1, 'a', 30, 'x'), { minSuperChatCny: null })).toEqual([]);
  });
});

describe('moderation commands', () => {
  it('ROOM_BLOCK_MSG → clear-user', () => {
    expect(eventsOf(bilibiliCommands.roomBlock(99, '捣乱的人'))).toEqual([
      { type: 'clear-user', source: 'bilibili', user: '捣乱的人', userId: '99', receivedAtMs: 5 },
    ]);
  });

  it('SUPER_CHAT_MESSAGE_DELETE → one clear-message per id', () => {
    expect(eventsOf(bilibiliCommands.superChatDelete([42, 43]))).toEqual([
      { type: 'clear-message', source: 'bilibili', messageId: 'sc-42', receivedAtMs: 5 },
      { type: 'clear-message', source: 'bilibili', messageId: 'sc-43', receivedAtMs: 5 },
    ]);
  });
});
