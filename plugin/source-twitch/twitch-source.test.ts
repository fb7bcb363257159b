import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { privmsgLine, startFakeTwitchIrc, type FakeTwitchIrc } from '../../test/fakes/twitch/fake-twitch-irc.ts';
import { until } from '../../test/support/chat-fakes.ts';
import { sourceAgainstFake } from '../../test/support/source-against-fake.ts';
import { createTwitchSource, type TwitchSourceOptions } from './twitch-source.ts';

const isJoin = (line: string): boolean => line === 'JOIN #chan';

const t = sourceAgainstFake<FakeTwitchIrc, TwitchSourceOptions>(startFakeTwitchIrc, (options) =>
  createTwitchSource({ channel: '#Chan', ...options }),
);

describe('twitch source against a fake IRC server', () => {
  it('logs in anonymously, requests tags+commands, joins, and emits chat captions', async () => {
    t.start({ triggers: { allMessages: true } });
    await t.fake.waitForLine(isJoin);
    expect(t.fake.received[0]).toBe('CAP REQ :twitch.tv/tags twitch.tv/commands');
    expect(t.fake.received[1]).toMatch(/^NICK justinfan\d+$/u);
    expect(t.fake.received.some((l) => l.startsWith('PASS'))).toBe(false);
    await until(() => t.source.status().connected);

    const caption = firstValueFrom(t.source.events$);
    t.fake.send(privmsgLine('chan', { login: 'bob' }, 'hello world'));
    await expect(caption).resolves.toMatchObject({ type: 'caption', text: 'hello world', user: 'bob' });
    expect(t.source.status().messagesPerMin).toBe(1);
  });

  it('logs in with an OAuth token when configured', async () => {
    t.start({ auth: { username: 'MyBot', oauthToken: 'oauth:secret' } });
    await t.fake.waitForLine(isJoin);
    expect(t.fake.received).toContain('PASS oauth:secret');
    expect(t.fake.received).toContain('NICK mybot');
  });

  it('answers PING with PONG', async () => {
    t.start();
    await t.fake.waitForLine(isJoin);
    t.fake.ping();
    await expect(t.fake.waitForLine((l) => l.startsWith('PONG'))).resolves.toBe('PONG :tmi.twitch.tv');
  });

  it('sends its own keepalive PING', async () => {
    t.start({ pingIntervalMs: 30 });
    await expect(t.fake.waitForLine((l) => l.startsWith('PING'))).resolves.toBe('PING :cosy-relay');
  });

  it('reconnects and rejoins after the server drops the connection', async () => {
    t.start({ triggers: { allMessages: true } });
    await t.fake.waitForLine(isJoin);
    await until(() => t.source.status().connected);
    const mark = t.fake.received.length;
    t.fake.dropConnections();
    await t.fake.waitForLine(isJoin, mark);
    expect(t.fake.connectionCount()).toBe(2);
    await until(() => t.source.status().connected);

    const caption = firstValueFrom(t.source.events$);
    t.fake.send(privmsgLine('chan', { login: 'bob' }, 'after the drop'));
    await expect(caption).resolves.toMatchObject({ text: 'after the drop' });
  });

  it('reconnects when the server sends RECONNECT', async () => {
    t.start();
    await t.fake.waitForLine(isJoin);
    const mark = t.fake.received.length;
    t.fake.requestReconnect();
    await t.fake.waitForLine(isJoin, mark);
    expect(t.fake.connectionCount()).toBe(2);
  });

  it('keeps retrying while the server is down and connects once it is back', async () => {
    const port = Number(new URL(t.fake.url).port);
    await t.fake.close();
    t.start();
    await until(() => t.source.status().lastError !== undefined);
    expect(t.source.status().connected).toBe(false);
    t.fake = await startFakeTwitchIrc({ port });
    await t.fake.waitForLine(isJoin);
    await until(() => t.source.status().connected);
    expect(t.source.status().lastError).toMatch(/ECONNREFUSED/u);
  });

  it('reports a refused login as lastError and keeps retrying', async () => {
    await t.fake.close();
    t.fake = await startFakeTwitchIrc({ rejectLogin: true });
    t.start({ auth: { username: 'bot', oauthToken: 'bad' } });
    await until(() => t.fake.connectionCount() >= 2);
    expect(t.source.status()).toMatchObject({ connected: false, lastError: expect.stringContaining('refused the login') });
  });

  it('emits moderation actions', async () => {
    t.start();
    await t.fake.waitForLine(isJoin);
    const actions = firstValueFrom(t.source.events$.pipe(filter((e) => e.type !== 'caption'), take(2), toArray()));
    t.fake.send(
      '@ban-duration=60;room-id=1;target-user-id=7;tmi-sent-ts=1 :tmi.twitch.tv CLEARCHAT #chan :troll',
      '@login=troll;room-id=;target-msg-id=m-9;tmi-sent-ts=1 :tmi.twitch.tv CLEARMSG #chan :spam',
    );
    await expect(actions).resolves.toMatchObject([
      { type: 'clear-user', user: 'troll', userId: '7' },
      { type: 'clear-message', messageId: 'm-9' },
    ]);
  });

  it('stops cleanly and stays stopped', async () => {
    t.start();
    await t.fake.waitForLine(isJoin);
    await t.source.stop();
    expect(t.source.status().connected).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(t.fake.connectionCount()).toBe(1);
  });
});
