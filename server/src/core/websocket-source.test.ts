import { once } from 'node:events';
import { firstValueFrom } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/support/chat-fakes.ts';
import { silentLogger } from './logger.ts';
import type { CaptionSource } from './source.ts';
import { createWebSocketSource, type WebSocketLink, type WebSocketProtocol } from './websocket-source.ts';

const FAST_BACKOFF = { baseDelayMs: 10, maxDelayMs: 50, jitterRatio: 0 };

let server: WebSocketServer;
let url: string;
let source: CaptionSource | undefined;
/** What the server received, per connection (it answers each "beat" with "pong"). */
let received: string[][];

beforeEach(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
  received = [];
  server.on('connection', (ws: WebSocket) => {
    const lines: string[] = [];
    received.push(lines);
    ws.on('message', (data) => {
      lines.push(data.toString());
      if (data.toString() === 'beat') ws.send('pong');
    });
  });
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  for (const ws of server.clients) ws.terminate();
  await new Promise((r) => server.close(r));
});

/** A protocol that says hello on open, is connected on "welcome", emits on "say <id>", fails on "deny". */
function testProtocol(heartbeatIntervalMs: number): WebSocketProtocol {
  return {
    url,
    heartbeatIntervalMs,
    open(link: WebSocketLink) {
      link.send('hello');
      return {
        onMessage(data) {
          const text = data.toString();
          if (text === 'welcome') link.connected();
          else if (text === 'deny') link.close(new Error('denied'));
          else if (text.startsWith('say ')) link.emit({ type: 'clear-message', source: 'test', messageId: text.slice(4), receivedAtMs: 0 });
        },
        heartbeat: () => link.send('beat'),
      };
    },
  };
}

function start(heartbeatIntervalMs = 60_000): CaptionSource {
  source = createWebSocketSource('test', testProtocol(heartbeatIntervalMs), { backoff: FAST_BACKOFF, logger: silentLogger });
  source.start();
  return source;
}

const broadcast = (text: string): void => {
  for (const ws of server.clients) ws.send(text);
};

describe('createWebSocketSource', () => {
  it('sends what the protocol sends on open, turns connected when it says so, and emits what it reads', async () => {
    const s = start();
    await until(() => received[0]?.[0] === 'hello');
    expect(s.status().connected).toBe(false);
    broadcast('welcome');
    await until(() => s.status().connected);
    const event = firstValueFrom(s.events$);
    broadcast('say m-1');
    await expect(event).resolves.toMatchObject({ messageId: 'm-1' });
    expect(s.status().messagesPerMin).toBe(1);
  });

  it('heartbeats only once connected, and the heartbeats answered keep the connection', async () => {
    const s = start(100);
    await until(() => received[0]?.length === 1);
    const chatter = setInterval(() => broadcast('noise'), 10); // keeps it from going idle meanwhile
    await new Promise((r) => setTimeout(r, 150));
    clearInterval(chatter);
    expect(received[0]).toEqual(['hello']);
    broadcast('welcome');
    await until(() => received[0]!.filter((l) => l === 'beat').length >= 3);
    expect(received).toHaveLength(1);
    expect(s.status().connected).toBe(true);
  });

  it('reports a failure the protocol closes with as lastError, and reconnects', async () => {
    const s = start();
    await until(() => received.length === 1 && received[0]!.length === 1);
    broadcast('deny');
    await until(() => received.length === 2);
    expect(s.status()).toMatchObject({ connected: false, lastError: 'denied' });
  });

  it('drops a connection that receives nothing for two heartbeat intervals', async () => {
    const s = start(20);
    await until(() => received.length >= 2);
    expect(s.status().lastError).toMatch(/nothing received for 40 ms/u);
  });
});
