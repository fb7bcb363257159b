import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BAN, CHEER, MESSAGE_DELETE, REDEMPTION_ADD, SUBSCRIPTION_MESSAGE } from '../../test/fakes/twitch/eventsub-payloads.ts';
import { ALL_SCOPES, startFakeTwitchEventSub, type FakeTwitchEventSub } from '../../test/fakes/twitch/fake-twitch-eventsub.ts';
import { until } from '../../test/support/chat-fakes.ts';
import { sourceAgainstFake, type SourceAgainstFake } from '../../test/support/source-against-fake.ts';
import type { SourceEvent } from '../../server/src/core/source.ts';
import { createTwitchEventSubSource, type TwitchEventSubOptions, type TwitchEventSubSource } from './eventsub-source.ts';

const t: SourceAgainstFake<FakeTwitchEventSub, TwitchEventSubOptions> = sourceAgainstFake<FakeTwitchEventSub, TwitchEventSubOptions>(
  () => startFakeTwitchEventSub(),
  (options): TwitchEventSubSource =>
    createTwitchEventSubSource({
      channel: '#CosyChan',
      clientId: 'fakeclientid',
      oauthToken: 'oauth:eventsub-test-token',
      helixUrl: t.fake.helixUrl,
      idUrl: t.fake.idUrl,
      triggers: { rewardIds: ['9001'], raids: true },
      ...options,
    }),
);
const source = (): TwitchEventSubSource => t.source as TwitchEventSubSource;
const subscribed = (n: number) => until(() => t.fake.subscriptions.length >= n, 5_000, `fewer than ${n} subscriptions`);
const ALL = 8; // ban, message_delete, clear_user_messages, redemption, cheer, resub, gift, raid

async function replaceFake(options: Parameters<typeof startFakeTwitchEventSub>[0]): Promise<void> {
  await t.fake.close();
  t.fake = await startFakeTwitchEventSub(options);
}

describe('twitch EventSub source against a fake EventSub + Helix', () => {
  it('validates the token, resolves the channel, subscribes over the welcomed session, and reads notifications', async () => {
    t.start();
    await subscribed(ALL);
    expect(t.fake.requests.slice(0, 2).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /oauth2/validate 200', 'GET /helix/users 200']);
    expect(new Set(t.fake.subscriptions.map((s) => s.transport.session_id)).size).toBe(1);
    // The fake counts a subscription when its POST arrives; the source covers the kind once the answer is back.
    const kinds = ['bits', 'reward', 'resub', 'gift', 'raid'] as const;
    await until(() => source().status().connected && kinds.every((k) => source().covers(k)), 5_000, 'not every subscribed kind is covered');

    const events = firstValueFrom(t.source.events$.pipe(take(3), toArray()));
    t.fake.notify('channel.channel_points_custom_reward_redemption.add', REDEMPTION_ADD);
    t.fake.notify('channel.cheer', CHEER);
    t.fake.notify('channel.ban', BAN);
    expect(await events).toMatchObject([
      { kind: 'reward', text: 'pogchamp', rewardId: '9001' },
      { kind: 'bits', paidAmount: { value: 1000 } },
      { type: 'clear-user', userId: '1234' },
    ]);
    expect(t.source.status()).toMatchObject({ connected: true, messagesPerMin: 3 });
    expect(t.source.status().notices).toBeUndefined();
  });

  it('reads a message Twitch sends twice once, ignores one older than 10 minutes, and skips malformed frames', async () => {
    t.start();
    await subscribed(ALL);
    const seen: SourceEvent[] = [];
    const sub = t.source.events$.subscribe((e) => seen.push(e));
    t.fake.sendRaw('{"not": "eventsub"');
    t.fake.sendRaw('[]');
    t.fake.notify('channel.cheer', CHEER, { messageId: 'dup-1' });
    t.fake.notify('channel.cheer', CHEER, { messageId: 'dup-1' });
    t.fake.notify('channel.cheer', { ...CHEER, message: 'old' }, { timestamp: new Date(Date.now() - 11 * 60_000).toISOString() });
    t.fake.notify('channel.chat.message_delete', MESSAGE_DELETE);
    await until(() => seen.some((e) => e.type === 'clear-message'));
    sub.unsubscribe();
    expect(seen.map((e) => e.type)).toEqual(['caption', 'clear-message']);
    expect(t.source.status().connected).toBe(true);
  });

  it('follows session_reconnect to the reconnect_url without re-subscribing or reading anything twice', async () => {
    t.start();
    await subscribed(ALL);
    const posts = t.fake.requests.filter((r) => r.method === 'POST').length;
    t.fake.requestReconnect();
    await until(() => t.fake.connectionCount() === 2 && t.fake.openSockets() === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.fake.requests.filter((r) => r.method === 'POST').length).toBe(posts);
    expect(t.fake.subscriptions).toHaveLength(ALL);
    const caption = firstValueFrom(t.source.events$);
    t.fake.notify('channel.subscription.message', SUBSCRIPTION_MESSAGE);
    await expect(caption).resolves.toMatchObject({ kind: 'sub', user: 'Cool_User' });
    expect(t.source.status().connected).toBe(true);
  });

  it('reconnects with a new session when keepalives stop', async () => {
    await replaceFake({ keepaliveS: 1 });
    t.start({ keepaliveMarginMs: 100 });
    await subscribed(ALL);
    t.fake.silence(true);
    await until(() => t.fake.connectionCount() >= 2, 5_000, 'no reconnect after silence');
    t.fake.silence(false);
    await until(() => t.fake.subscriptions.length === ALL && source().covers('bits'), 5_000);
    expect(t.source.status().lastError).toMatch(/nothing from EventSub/u);
  });

  it('a missing scope refuses that subscription only (403 → notice naming it), and IRC keeps that kind', async () => {
    await replaceFake({ scopes: ALL_SCOPES.filter((s) => s !== 'bits:read') });
    t.start();
    await subscribed(ALL - 1);
    await until(() => (t.source.status().notices ?? []).includes('eventsub-scope-missing'));
    expect(t.source.status().lastError).toMatch(/channel\.cheer refused \(needs bits:read\): channel\.cheer: 403/u);
    expect(source().covers('bits')).toBe(false);
    expect(source().covers('reward')).toBe(true);
  });

  it('a revoked subscription gives its kind back to IRC with a notice', async () => {
    t.start();
    await subscribed(ALL);
    await until(() => source().covers('reward'));
    t.fake.revoke('channel.channel_points_custom_reward_redemption.add', 'authorization_revoked');
    await until(() => !source().covers('reward'));
    expect(t.source.status().notices).toEqual(['eventsub-revoked']);
    expect(t.source.status().lastError).toMatch(/redemption\.add revoked by Twitch: authorization_revoked/u);
  });

  it('a refused token (401) is a notice, and nothing is subscribed', async () => {
    t.fake.revokeToken();
    t.start();
    await until(() => (t.source.status().notices ?? []).includes('eventsub-token-invalid'));
    expect(t.source.status()).toMatchObject({ connected: false, lastError: expect.stringMatching(/401 invalid access token/u) });
    expect(t.fake.connectionCount()).toBe(0);
  });

  it('waits out a 429 (Ratelimit-Reset) and subscribes', async () => {
    t.fake.rateLimitNext(1);
    t.start();
    await subscribed(ALL);
    expect(t.fake.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(t.source.status().notices).toBeUndefined();
  });

  it('a close with an EventSub code reconnects and says why', async () => {
    t.start();
    await subscribed(ALL);
    t.fake.closeSockets(4000);
    await until(() => t.fake.connectionCount() === 2 && t.fake.subscriptions.length === ALL);
    expect(t.source.status().lastError).toMatch(/4000 internal server error/u);
    const deleted = firstValueFrom(t.source.events$.pipe(filter((e) => e.type === 'clear-message')));
    t.fake.notify('channel.chat.message_delete', MESSAGE_DELETE);
    await expect(deleted).resolves.toMatchObject({ messageId: MESSAGE_DELETE.message_id });
  });
});
