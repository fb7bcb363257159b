/**
 * Command bodies as the live servers send them, trimmed to the fields the relay reads (and a
 * few around them). Sources:
 * - DANMU: bilibili-API-collect docs/live/message_stream.md (commit 5b77c40), DANMU_MSG example
 *   (uid 6088969, info[0][7] "0bc8acd0" = crc32("6088969"), extra.user_hash "197700816" = the same hash).
 * - MASKED: the masked DANMU_MSG posted in simon300000/bilibili-live-ws#396 (2023-06-30).
 * - GUARD_BUY / USER_TOAST_MSG: one purchase announced by both, with the same uid, level and
 *   start_time and different prices (list price vs auto-renew price), as recorded in a public
 *   client's source; fields per bilibili-API-collect's GUARD_BUY table ("price 原金瓜子标价, 即 CNY*1000").
 * - USER_TOAST_MSG_V2: fields per blivedm models/web.py UserToastV2Message.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BILIBILI_TRIGGERS, toSourceEvents } from './bilibili-commands.ts';

const extra = JSON.stringify({ dm_type: 0, content: '白花300块[热]', user_hash: '197700816', emots: { '[热]': { emoji: '[热]' } } });
const DANMU = {
  cmd: 'DANMU_MSG',
  info: [
    [0, 1, 25, 9920249, 1723979200649, -1312973962, 0, '0bc8acd0', 0, 0, 0, '', 0, '{}', '{}', { extra, mode: 0, show_player_type: 0 }],
    '白花300块[热]',
    [6088969, 'tim1997', 0, 0, 0, 10000, 1, ''],
    [29, '果咩吖', '果宝Official', 31180317, 2951253, '', 0, 16771156, 2951253, 10329087, 1, 1, 3546569288714792],
    [39, 0, 10512625, 42523, 2],
    ['', ''],
    0,
    0,
    null,
    { ct: 'AFFF4206', ts: 1723979200 },
    0,
    0,
    null,
    null,
    0,
    1040,
    [49],
    null,
  ],
};

const MASKED = {
  cmd: 'DANMU_MSG',
  info: [
    [0, 1, 25, 16777215, 1688137738344, -1938799775, 0, 'e040a292', 0, 0, 0, '', 0, '{}', '{}', {}, {}, 0],
    '打雷',
    [0, '折***', 0, 0, 0, 10000, 1, ''],
    [],
    [0, 0, 9868950, '>50000', 0],
    ['', ''],
    0,
    0,
    null,
    { ts: 1688137738, ct: 'A7DACCD7' },
    0,
    0,
    null,
    null,
    0,
    7,
    [0],
  ],
};

const GUARD_BUY = {
  cmd: 'GUARD_BUY',
  data: { uid: 8739477, username: '某舰长', guard_level: 3, num: 1, price: 198000, gift_id: 10003, gift_name: '舰长', start_time: 1654828049, end_time: 1654828049 },
};
const USER_TOAST_MSG = {
  cmd: 'USER_TOAST_MSG',
  data: {
    anchor_show: true, color: '#00D1F1', dmscore: 90, effect_id: 397, end_time: 1654828049, guard_level: 3, is_show: 0, num: 1,
    op_type: 3, payflow_id: '2206101026467132167746887', price: 138000, role_name: '舰长', start_time: 1654828049, svga_block: 0,
    target_guard_count: 133, toast_msg: '<%某舰长%> 自动续费了舰长', uid: 8739477, unit: '月', user_show: true, username: '某舰长',
  },
};
const USER_TOAST_MSG_V2 = {
  cmd: 'USER_TOAST_MSG_V2',
  data: {
    sender_uinfo: { uid: 8739477, base: { name: '某舰长' } },
    guard_info: { guard_level: 3, role_name: '舰长', start_time: 1654828049, end_time: 1654828049 },
    pay_info: { num: 1, price: 138000, unit: '月' },
    gift_info: { gift_id: 10003 },
    option: { source: 0 },
  },
};

const read = (body: object, triggers = {}) =>
  toSourceEvents(body, { triggers: { ...DEFAULT_BILIBILI_TRIGGERS, ...triggers }, receivedAtMs: 1 });

describe('real command bodies', () => {
  it.each([
    ['DANMU_MSG (logged in)', DANMU, { kind: 'chat', text: '白花300块', user: 'tim1997', userId: '6088969', roles: ['viewer'] }],
    ['DANMU_MSG (masked: uid 0, 折***)', MASKED, { kind: 'chat', text: '打雷', user: '折***', userId: 'hash:e040a292', maskedName: true }],
    ['GUARD_BUY', GUARD_BUY, { kind: 'sub', text: '某舰长开通了舰长', userId: '8739477', paidAmount: { value: 198, currency: 'CNY' }, giftName: '舰长', roles: ['subscriber', 'viewer'], messageId: 'guard-8739477-3-1654828049' }],
    ['USER_TOAST_MSG', USER_TOAST_MSG, { kind: 'sub', paidAmount: { value: 138, currency: 'CNY' }, messageId: 'guard-8739477-3-1654828049' }],
    ['USER_TOAST_MSG_V2', USER_TOAST_MSG_V2, { kind: 'sub', user: '某舰长', paidAmount: { value: 138, currency: 'CNY' }, messageId: 'guard-8739477-3-1654828049' }],
  ])('%s', (_name, body, expected) => {
    const events = read(body);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(expected);
  });

  it('a masked sender keeps the id info[0][7] gives (crc32 of the uid text)', () => {
    expect(crc32('6088969').toString(16)).toBe('bc8acd0');
    const masked = structuredClone(DANMU);
    (masked.info[2] as unknown[])[0] = 0;
    (masked.info[2] as unknown[])[1] = 't***';
    expect(read(masked)[0]).toMatchObject({ userId: 'hash:bc8acd0', maskedName: true });
  });

  it('falls back to extra.user_hash, and gives no id when nothing stable is left', () => {
    const noCrc = structuredClone(DANMU);
    (noCrc.info[0] as unknown[])[7] = '';
    (noCrc.info[2] as unknown[])[0] = 0;
    expect(read(noCrc)[0]).toMatchObject({ userId: 'hash:bc8acd0', maskedName: true });
    const nothing = structuredClone(MASKED);
    (nothing.info[0] as unknown[])[7] = crc32('0').toString(16);
    const [event] = read(nothing);
    expect(event).toMatchObject({ maskedName: true });
    expect(event).not.toHaveProperty('userId');
  });

  it('skips lottery / storm danmaku (info[0][9] ≠ 0)', () => {
    const lottery = structuredClone(DANMU);
    (lottery.info[0] as unknown[])[9] = 2;
    expect(read(lottery)).toEqual([]);
  });

  it('guard purchases honour the threshold and the off switch', () => {
    expect(read(GUARD_BUY, { minGuardCny: 1000 })).toEqual([]);
    expect(read(GUARD_BUY, { minGuardCny: null })).toEqual([]);
    expect(read({ ...GUARD_BUY, data: { ...GUARD_BUY.data, guard_level: 1, num: 2, price: 19_998_000, gift_name: '总督' } })[0]).toMatchObject({
      paidAmount: { value: 39_996, currency: 'CNY' },
      text: '某舰长开通了总督',
    });
  });

  it('ignores SUPER_CHAT_MESSAGE_JPN and COMBO_SEND (the same money already read)', () => {
    expect(read({ cmd: 'SUPER_CHAT_MESSAGE_JPN', data: { id: '1', uid: '1', price: 30, message: 'x', user_info: { uname: 'a' } } })).toEqual([]);
    expect(read({ cmd: 'COMBO_SEND', data: { uid: 1, uname: 'a', combo_num: 3, gift_name: '吃瓜', combo_total_coin: 300000 } })).toEqual([]);
  });
});
