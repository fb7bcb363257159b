import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { bilibiliCommands, bilibiliPacket, startFakeBilibiliLive, type FakeBilibiliLive } from '../../test/fakes/bilibili/fake-bilibili-live.ts';
import { until } from '../../test/support/chat-fakes.ts';
import { sourceAgainstFake } from '../../test/support/source-against-fake.ts';
import { createBilibiliSource, type BilibiliSourceOptions } from './bilibili-source.ts';

const t = sourceAgainstFake<FakeBilibiliLive, BilibiliSourceOptions>(startFakeBilibiliLive, (options) =>
  createBilibiliSource({ roomId: 22608112, ...options }),
);

describe('bilibili source against a fake danmaku server', () => {
  it('sends the auth packet first, with uid, roomid, protover 3, platform web, type 2, key', async () => {
    t.start({ uid: 160148624, key: 'k3y', anchorUid: 1 });
    await until(() => t.source.status().connected);
    expect(t.fake.authBodies).toEqual([{ uid: 160148624, roomid: 22608112, protover: 3, platform: 'web', type: 2, key: 'k3y' }]);
    expect(t.fake.protocolErrorCount()).toBe(0);
  });

  it('sends heartbeats on the interval and stays connected on popularity replies', async () => {
    t.start({ heartbeatIntervalMs: 20 });
    await until(() => t.fake.heartbeatCount() >= 4);
    // idle timeout is 2 heartbeats: the popularity replies kept the first connection alive
    expect(t.fake.connectionCount()).toBe(1);
    expect(t.source.status()).toMatchObject({ connected: true });
  });

  it('drops and reopens a connection whose heartbeats go unanswered', async () => {
    await t.fake.close();
    t.fake = await startFakeBilibiliLive({ answerHeartbeats: false });
    t.start({ heartbeatIntervalMs: 20 });
    await until(() => t.fake.connectionCount() >= 2);
    expect(t.source.status().lastError).toMatch(/nothing received/u);
  });

  it.each(['zlib', 'brotli', 'none'] as const)('decodes %s bodies with several commands each', async (compression) => {
    t.start({ triggers: { minGiftCny: 10, minSuperChatCny: 30 } });
    await until(() => t.source.status().connected);
    const events = firstValueFrom(t.source.events$.pipe(take(3), toArray()));
    t.fake.sendCommands(
      [
        bilibiliCommands.danmaku('第一条', { uid: 1, uname: 'a' }),
        bilibiliCommands.gift('b', '辣条', 1, 100),
        bilibiliCommands.gift('c', '飞船', 1, 1_245_000),
        bilibiliCommands.superChat(7, 'd', 30, '醒目留言'),
      ],
      compression,
    );
    await expect(events).resolves.toMatchObject([
      { kind: 'chat', text: '第一条' },
      { kind: 'gift', user: 'c', paidAmount: { value: 1245, currency: 'CNY' } },
      { kind: 'superchat', text: '醒目留言', messageId: 'sc-7' },
    ]);
    expect(t.source.status().messagesPerMin).toBe(3);
  });

  it('survives a malformed frame and keeps decoding the next ones', async () => {
    t.start();
    await until(() => t.source.status().connected);
    const event = firstValueFrom(t.source.events$);
    t.fake.sendRaw(bilibiliPacket(5, 2, Buffer.from('definitely not zlib')));
    t.fake.sendRaw(bilibiliPacket(5, 0, Buffer.from('{not json')));
    t.fake.sendCommands([bilibiliCommands.danmaku('还在', { uid: 1, uname: 'a' })], 'brotli');
    await expect(event).resolves.toMatchObject({ text: '还在' });
    expect(t.fake.connectionCount()).toBe(1);
  });

  it('reconnects and re-authenticates after the server drops the connection', async () => {
    t.start();
    await until(() => t.source.status().connected);
    t.fake.dropConnections();
    await until(() => t.fake.authBodies.length === 2 && t.source.status().connected);
    const event = firstValueFrom(t.source.events$);
    t.fake.sendCommands([bilibiliCommands.danmaku('回来了', { uid: 1, uname: 'a' })], 'zlib');
    await expect(event).resolves.toMatchObject({ text: '回来了' });
  });

  it('reports a refused auth as lastError and retries', async () => {
    await t.fake.close();
    t.fake = await startFakeBilibiliLive({ authCode: -101 });
    t.start();
    await until(() => t.fake.connectionCount() >= 2);
    expect(t.source.status()).toMatchObject({ connected: false, lastError: expect.stringContaining('code -101') });
  });

  it('emits moderation actions', async () => {
    t.start();
    await until(() => t.source.status().connected);
    const events = firstValueFrom(t.source.events$.pipe(take(2), toArray()));
    t.fake.sendCommands([bilibiliCommands.roomBlock(5, 'x'), bilibiliCommands.superChatDelete([7])], 'brotli');
    await expect(events).resolves.toMatchObject([
      { type: 'clear-user', user: 'x', userId: '5' },
      { type: 'clear-message', messageId: 'sc-7' },
    ]);
  });

  it('reads the real heartbeat reply (popularity plus the echoed body) into the status, without a protocol error', async () => {
    await t.fake.close();
    t.fake = await startFakeBilibiliLive({ popularity: 2466 });
    t.start({ heartbeatIntervalMs: 200 });
    await until(() => t.source.status().popularity === 2466);
    expect(t.source.status()).toMatchObject({ connected: true });
    expect(t.source.status().lastError).toBeUndefined();
  });

  it('reads a guard purchase once although GUARD_BUY, USER_TOAST_MSG and USER_TOAST_MSG_V2 all announce it', async () => {
    t.start();
    await until(() => t.source.status().connected);
    const events = firstValueFrom(t.source.events$.pipe(take(2), toArray()));
    t.fake.sendCommands([...bilibiliCommands.guardPurchase(42, '新舰长', 3, 1, 198_000), bilibiliCommands.danmaku('之后', { uid: 1, uname: 'a' })], 'brotli');
    await expect(events).resolves.toMatchObject([
      { kind: 'sub', user: '新舰长', paidAmount: { value: 198, currency: 'CNY' }, giftName: '舰长' },
      { kind: 'chat', text: '之后' },
    ]);
  });

  it('says names are masked (LOG_IN_NOTICE or a masked danmaku) and keeps masked viewers apart', async () => {
    t.start();
    await until(() => t.source.status().connected);
    expect(t.source.status().notices).toBeUndefined();
    const events = firstValueFrom(t.source.events$.pipe(take(2), toArray()));
    t.fake.sendCommands(
      [bilibiliCommands.loginNotice(), bilibiliCommands.maskedDanmaku('一', '提***', 'e040a292'), bilibiliCommands.maskedDanmaku('二', '提***', '998a531f')],
      'brotli',
    );
    await expect(events).resolves.toMatchObject([
      { user: '提***', userId: 'hash:e040a292', maskedName: true },
      { user: '提***', userId: 'hash:998a531f', maskedName: true },
    ]);
    expect(t.source.status().notices).toEqual(['names-masked']);
  });
});
