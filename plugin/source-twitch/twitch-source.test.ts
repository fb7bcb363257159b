import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/src/core/logger.ts';
import type { CaptionSource } from '../../server/src/core/source.ts';
import { privmsgLine, startFakeTwitchIrc, type FakeTwitchIrc } from '../../test/fakes/twitch/fake-twitch-irc.ts';
import { createTwitchSource, type TwitchSourceOptions } from './twitch-source.ts';

const FAST_BACKOFF = { baseDelayMs: 10, maxDelayMs: 50, jitterRatio: 0 };
const isJoin = (line: string): boolean => line === 'JOIN #chan';

let fake: FakeTwitchIrc;
let source: CaptionSource;

function start(options: Partial<TwitchSourceOptions> = {}): CaptionSource {
  source = createTwitchSource({ channel: '#Chan', url: fake.url, backoff: FAST_BACKOFF, logger: silentLogger, ...options });
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
  fake = await startFakeTwitchIrc();
});

afterEach(async () => {
  await source?.stop();
  await fake.close();
});

describe('twitch source against a fake IRC server', () => {
  it('logs in anonymously, requests tags+commands, joins, and emits chat captions', async () => {
    start({ triggers: { allMessages: true } });
    await fake.waitForLine(isJoin);
    expect(fake.received[0]).toBe('CAP REQ :twitch.tv/tags twitch.tv/commands');
    expect(fake.received[1]).toMatch(/^NICK justinfan\d+$/u);
    expect(fake.received.some((l) => l.startsWith('PASS'))).toBe(false);
    await until(() => source.status().connected);

    const caption = firstValueFrom(source.events$);
    fake.send(privmsgLine('chan', { login: 'bob' }, 'hello world'));
    await expect(caption).resolves.toMatchObject({ type: 'caption', text: 'hello world', user: 'bob' });
    expect(source.status().messagesPerMin).toBe(1);
  });

  it('logs in with an OAuth token when configured', async () => {
    start({ auth: { username: 'MyBot', oauthToken: 'oauth:secret' } });
    await fake.waitForLine(isJoin);
    expect(fake.received).toContain('PASS oauth:secret');
    expect(fake.received).toContain('NICK mybot');
  });

  it('answers PING with PONG', async () => {
    start();
    await fake.waitForLine(isJoin);
    fake.ping();
    await expect(fake.waitForLine((l) => l.startsWith('PONG'))).resolves.toBe('PONG :tmi.twitch.tv');
  });

  it('sends its own keepalive PING', async () => {
    start({ pingIntervalMs: 30 });
    await expect(fake.waitForLine((l) => l.startsWith('PING'))).resolves.toBe('PING :cosy-relay');
  });

  it('reconnects and rejoins after the server drops the connection', async () => {
    start({ triggers: { allMessages: true } });
    await fake.waitForLine(isJoin);
    await until(() => source.status().connected);
    const mark = fake.received.length;
    fake.dropConnections();
    await fake.waitForLine(isJoin, mark);
    expect(fake.connectionCount()).toBe(2);
    await until(() => source.status().connected);

    const caption = firstValueFrom(source.events$);
    fake.send(privmsgLine('chan', { login: 'bob' }, 'after the drop'));
    await expect(caption).resolves.toMatchObject({ text: 'after the drop' });
  });

  it('reconnects when the server sends RECONNECT', async () => {
    start();
    await fake.waitForLine(isJoin);
    const mark = fake.received.length;
    fake.requestReconnect();
    await fake.waitForLine(isJoin, mark);
    expect(fake.connectionCount()).toBe(2);
  });

  it('keeps retrying while the server is down and connects once it is back', async () => {
    const port = Number(new URL(fake.url).port);
    await fake.close();
    start();
    await until(() => source.status().lastError !== undefined);
    expect(source.status().connected).toBe(false);
    fake = await startFakeTwitchIrc({ port });
    await fake.waitForLine(isJoin);
    await until(() => source.status().connected);
    expect(source.status().lastError).toMatch(/ECONNREFUSED/u);
  });

  it('reports a refused login as lastError and keeps retrying', async () => {
    await fake.close();
    fake = await startFakeTwitchIrc({ rejectLogin: true });
    start({ auth: { username: 'bot', oauthToken: 'bad' } });
    await until(() => fake.connectionCount() >= 2);
    expect(source.status()).toMatchObject({ connected: false, lastError: expect.stringContaining('refused the login') });
  });

  it('emits moderation actions', async () => {
    start();
    await fake.waitForLine(isJoin);
    const actions = firstValueFrom(source.events$.pipe(filter((e) => e.type !== 'caption'), take(2), toArray()));
    fake.send(
      '@ban-duration=60;room-id=1;target-user-id=7;tmi-sent-ts=1 :tmi.twitch.tv CLEARCHAT #chan :troll',
      '@login=troll;room-id=;target-msg-id=m-9;tmi-sent-ts=1 :tmi.twitch.tv CLEARMSG #chan :spam',
    );
    await expect(actions).resolves.toMatchObject([
      { type: 'clear-user', user: 'troll', userId: '7' },
      { type: 'clear-message', messageId: 'm-9' },
    ]);
  });

  it('stops cleanly and stays stopped', async () => {
    start();
    await fake.waitForLine(isJoin);
    await source.stop();
    expect(source.status().connected).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(fake.connectionCount()).toBe(1);
  });
});
