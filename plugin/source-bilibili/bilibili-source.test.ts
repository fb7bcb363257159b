import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/src/core/logger.ts';
import type { CaptionSource } from '../../server/src/core/source.ts';
import { bilibiliCommands, bilibiliPacket, startFakeBilibiliLive, type FakeBilibiliLive } from '../../test/fakes/bilibili/fake-bilibili-live.ts';
import { createBilibiliSource, type BilibiliSourceOptions } from './bilibili-source.ts';

const FAST_BACKOFF = { baseDelayMs: 10, maxDelayMs: 50, jitterRatio: 0 };

let fake: FakeBilibiliLive;
let source: CaptionSource;

function start(options: Partial<BilibiliSourceOptions> = {}): CaptionSource {
  source = createBilibiliSource({ roomId: 22608112, url: fake.url, backoff: FAST_BACKOFF, logger: silentLogger, ...options });
  source.start();
  return source;
}

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(async () => {
  fake = await startFakeBilibiliLive();
});

afterEach(async () => {
  await source?.stop();
  await fake.close();
});

describe('bilibili source against a fake danmaku server', () => {
  it('sends the auth packet first, with uid, roomid, protover 3, platform web, type 2, key', async () => {
    start({ uid: 160148624, key: 'k3y', anchorUid: 1 });
    await until(() => source.status().connected);
    expect(fake.authBodies).toEqual([{ uid: 160148624, roomid: 22608112, protover: 3, platform: 'web', type: 2, key: 'k3y' }]);
    expect(fake.protocolErrorCount()).toBe(0);
  });

  it('sends heartbeats on the interval and stays connected on popularity replies', async () => {
    start({ heartbeatIntervalMs: 20 });
    await until(() => fake.heartbeatCount() >= 4);
    // idle timeout is 2 heartbeats: the popularity replies kept the first connection alive
    expect(fake.connectionCount()).toBe(1);
    expect(source.status()).toMatchObject({ connected: true });
  });

  it('drops and reopens a connection whose heartbeats go unanswered', async () => {
    await fake.close();
    fake = await startFakeBilibiliLive({ answerHeartbeats: false });
    start({ heartbeatIntervalMs: 20 });
    await until(() => fake.connectionCount() >= 2);
    expect(source.status().lastError).toMatch(/nothing received/u);
  });

  it.each(['zlib', 'brotli', 'none'] as const)('decodes %s bodies with several commands each', async (compression) => {
    start({ triggers: { minGiftCny: 10, minSuperChatCny: 30 } });
    await until(() => source.status().connected);
    const events = firstValueFrom(source.events$.pipe(take(3), toArray()));
    fake.sendCommands(
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
    expect(source.status().messagesPerMin).toBe(3);
  });

  it('survives a malformed frame and keeps decoding the next ones', async () => {
    start();
    await until(() => source.status().connected);
    const event = firstValueFrom(source.events$);
    fake.sendRaw(bilibiliPacket(5, 2, Buffer.from('definitely not zlib')));
    fake.sendRaw(bilibiliPacket(5, 0, Buffer.from('{not json')));
    fake.sendCommands([bilibiliCommands.danmaku('还在', { uid: 1, uname: 'a' })], 'brotli');
    await expect(event).resolves.toMatchObject({ text: '还在' });
    expect(fake.connectionCount()).toBe(1);
  });

  it('reconnects and re-authenticates after the server drops the connection', async () => {
    start();
    await until(() => source.status().connected);
    fake.dropConnections();
    await until(() => fake.authBodies.length === 2 && source.status().connected);
    const event = firstValueFrom(source.events$);
    fake.sendCommands([bilibiliCommands.danmaku('回来了', { uid: 1, uname: 'a' })], 'zlib');
    await expect(event).resolves.toMatchObject({ text: '回来了' });
  });

  it('reports a refused auth as lastError and retries', async () => {
    await fake.close();
    fake = await startFakeBilibiliLive({ authCode: -101 });
    start();
    await until(() => fake.connectionCount() >= 2);
    expect(source.status()).toMatchObject({ connected: false, lastError: expect.stringContaining('code -101') });
  });

  it('emits moderation actions', async () => {
    start();
    await until(() => source.status().connected);
    const events = firstValueFrom(source.events$.pipe(take(2), toArray()));
    fake.sendCommands([bilibiliCommands.roomBlock(5, 'x'), bilibiliCommands.superChatDelete([7])], 'brotli');
    await expect(events).resolves.toMatchObject([
      { type: 'clear-user', user: 'x', userId: '5' },
      { type: 'clear-message', messageId: 'sc-7' },
    ]);
  });
});
