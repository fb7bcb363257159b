import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { startFakeKick, type FakeKick } from '../../test/fakes/kick/fake-kick.ts';
import { banData, chatData, deletedData, EVENTS, REAL_DATA } from '../../test/fakes/kick/kick-payloads.ts';
import { until } from '../../test/support/chat-fakes.ts';
import { sourceAgainstFake, type SourceAgainstFake } from '../../test/support/source-against-fake.ts';
import type { SourceCaption } from '../../server/src/core/source.ts';
import { createKickSource, type KickSourceOptions } from './kick-source.ts';

const CHATROOM = 'chatrooms.870983.v2';
const CHANNEL = 'channel_875396';
const viewer = { id: 4242, username: 'KickViewer' };

const t: SourceAgainstFake<FakeKick, KickSourceOptions> = sourceAgainstFake<FakeKick, KickSourceOptions>(startFakeKick, (options) =>
  createKickSource({ channel: 'CosyKick', apiUrl: t.fake.apiUrl, triggers: { allMessages: true }, ...options }),
);

const isSubscribe = (channel: string) => (f: { event: string; data?: Record<string, unknown> }) =>
  f.event === 'pusher:subscribe' && f.data?.['channel'] === channel;

describe('kick source against a fake Kick', () => {
  it('looks up the chatroom, subscribes to the chatroom and channel, and reads chat once subscribed', async () => {
    t.start();
    await t.fake.waitForFrame(isSubscribe(CHATROOM));
    await t.fake.waitForFrame(isSubscribe(CHANNEL));
    expect(t.fake.received.find(isSubscribe(CHATROOM))?.data).toEqual({ auth: '', channel: CHATROOM });
    await until(() => t.source.status().connected);
    expect(t.fake.lookups()).toBe(1);

    const caption = firstValueFrom(t.source.events$);
    t.fake.sendEvent(CHATROOM, EVENTS.chat, chatData(870983, viewer, 'hello from kick', 'k-1'));
    await expect(caption).resolves.toMatchObject({ type: 'caption', source: 'kick', text: 'hello from kick', userId: '4242', messageId: 'k-1' });
    const kicks = firstValueFrom(t.source.events$);
    t.fake.sendEvent(CHANNEL, EVENTS.kicks, REAL_DATA.kicksGifted);
    await expect(kicks).resolves.toMatchObject({ kind: 'gift', paidAmount: { value: 1000, currency: 'KICKs' } });
    expect(t.source.status()).toMatchObject({ connected: true, messagesPerMin: 2 });
  });

  it('uses a given chatroom id without any lookup', async () => {
    t.start({ channel: undefined, chatroomId: 555 });
    await t.fake.waitForFrame(isSubscribe('chatrooms.555.v2'));
    await until(() => t.source.status().connected);
    expect(t.fake.lookups()).toBe(0);
    expect(t.fake.subscribedChannels()).toEqual(['chatrooms.555.v2']);
  });

  it("says so when Cloudflare refuses the lookup, and connects once it answers", async () => {
    t.fake.setCloudflare(true);
    t.start();
    await until(() => t.source.status().notices?.includes('chatroom-lookup-refused') === true && t.source.status().lastError !== undefined);
    expect(t.source.status()).toMatchObject({ connected: false, lastError: expect.stringMatching(/403.*KICK_CHATROOM_ID/u) });
    t.fake.setCloudflare(false);
    await until(() => t.source.status().connected);
    expect(t.source.status().notices).toBeUndefined();
  });

  it("answers the server's pings and pings at the server's activity timeout", async () => {
    await t.fake.close();
    t.fake = await startFakeKick({ activityTimeoutS: 0.05 });
    t.start();
    await until(() => t.source.status().connected);
    const mark = t.fake.received.length;
    t.fake.ping();
    await t.fake.waitForFrame((f) => f.event === 'pusher:pong', mark);
    await t.fake.waitForFrame((f) => f.event === 'pusher:ping', mark, 1_000);
  });

  it('reconnects at once on 4201 (pong not received), not after the backoff', async () => {
    t.start({ backoff: { baseDelayMs: 5_000, maxDelayMs: 5_000, jitterRatio: 0 } });
    await until(() => t.source.status().connected);
    const before = Date.now();
    t.fake.error(4201, 'Pong reply not received');
    await until(() => t.fake.connectionCount() === 2 && t.source.status().connected, 2_000);
    expect(Date.now() - before).toBeLessThan(2_000);
    expect(t.source.status().lastError).toMatch(/4201/u);
  });

  it('stops on 4001 (app key unknown): retrying cannot help', async () => {
    t.start();
    await until(() => t.source.status().connected);
    t.fake.error(4001, 'App key 32cbd69e4b950bf97679 not in this cluster. Did you forget to specify the cluster?');
    await until(() => !t.source.status().connected);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.connectionCount()).toBe(1);
    expect(t.source.status().lastError).toMatch(/Pusher error 4001/u);
  });

  it('reconnects after a drop without emitting a message twice', async () => {
    t.start();
    await until(() => t.source.status().connected);
    const captions = firstValueFrom(
      t.source.events$.pipe(
        filter((e): e is SourceCaption => e.type === 'caption'),
        take(2),
        toArray(),
      ),
    );
    t.fake.sendEvent(CHATROOM, EVENTS.chat, chatData(870983, viewer, 'first', 'dup-1'));
    await until(() => t.source.status().messagesPerMin === 1);
    t.fake.dropConnections();
    await until(() => t.fake.connectionCount() === 2 && t.source.status().connected);
    expect(t.fake.lookups()).toBe(1); // the chatroom id is kept
    t.fake.sendEvent(CHATROOM, EVENTS.chat, chatData(870983, viewer, 'first', 'dup-1')); // redelivered
    t.fake.sendEvent(CHATROOM, EVENTS.chat, chatData(870983, viewer, 'second', 'dup-2'));
    expect((await captions).map((c) => c.messageId)).toEqual(['dup-1', 'dup-2']);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.source.status().messagesPerMin).toBe(2);
  });

  it('counts and skips malformed frames and stays connected', async () => {
    t.start();
    await until(() => t.source.status().connected);
    t.fake.sendRaw('{"event":"App\\\\Events\\\\ChatMessageEvent","data":');
    t.fake.sendRaw(JSON.stringify({ event: EVENTS.chat, data: chatData(870983, viewer, 'object data', 'bad-1'), channel: CHATROOM }));
    t.fake.sendRaw(JSON.stringify({ event: EVENTS.chat, data: JSON.stringify({ id: 'bad-2', content: 'no sender' }), channel: CHATROOM }));
    const caption = firstValueFrom(t.source.events$);
    t.fake.sendEvent(CHATROOM, EVENTS.chat, chatData(870983, viewer, 'still here', 'ok-1'));
    await expect(caption).resolves.toMatchObject({ text: 'still here' });
    expect(t.source.status()).toMatchObject({ connected: true, malformedFrames: 3 });
    expect(t.fake.connectionCount()).toBe(1);
  });

  it('emits bans and deletions', async () => {
    t.start();
    await until(() => t.source.status().connected);
    const actions = firstValueFrom(t.source.events$.pipe(take(2), toArray()));
    t.fake.sendEvent(CHATROOM, EVENTS.banned, banData(viewer, '2026-12-06T05:00:00+00:00'));
    t.fake.sendEvent(CHATROOM, EVENTS.deleted, deletedData('k-9'));
    expect(await actions).toMatchObject([
      { type: 'clear-user', source: 'kick', user: 'KickViewer', userId: '4242' },
      { type: 'clear-message', source: 'kick', messageId: 'k-9' },
    ]);
  });
});
