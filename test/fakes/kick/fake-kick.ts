/**
 * A fake Kick on 127.0.0.1 (port 0): the Pusher Channels WebSocket (protocol 7) at
 * `/app/<key>` and the public channel endpoint `GET /api/v2/channels/<slug>`, on one port.
 * Pusher side: `pusher:connection_established` (socket_id, activity_timeout), public-channel
 * `pusher:subscribe` → `pusher_internal:subscription_succeeded`, `pusher:ping` ↔ `pusher:pong`
 * both ways, `pusher:error` with a code followed by a close with that code, app events with
 * a string `data` (kick-payloads.ts), raw frames for malformed input. HTTP side: the channel
 * JSON, 404 for an unknown slug, or Cloudflare's 403 challenge page (`cf-mitigated: challenge`).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { appFrame } from './kick-payloads.ts';

export const FAKE_KICK_APP_KEY = '32cbd69e4b950bf97679';

export interface FakeKickChannel {
  slug: string;
  channelId: number;
  chatroomId: number;
}

export interface FakeKickOptions {
  channels?: FakeKickChannel[];
  /** Answer the channel endpoint with Cloudflare's 403 challenge. */
  cloudflare?: boolean;
  /** Seconds announced in connection_established; default 120 (Kick's). */
  activityTimeoutS?: number;
}

export interface ClientFrame {
  event: string;
  data?: Record<string, unknown>;
}

export interface FakeKick {
  /** The Pusher URL to connect to (app key and protocol parameters like Kick's web client). */
  url: string;
  /** Base of the channel endpoint (KICK_API_URL). */
  apiUrl: string;
  /** Every frame clients sent, in order (unreadable ones as event '<unreadable>'). */
  readonly received: ClientFrame[];
  /** Channel lookups answered. */
  lookups(): number;
  connectionCount(): number;
  /** Channels the open connections subscribed to. */
  subscribedChannels(): string[];
  waitForFrame(match: (frame: ClientFrame) => boolean, fromIndex?: number, timeoutMs?: number): Promise<ClientFrame>;
  /** Sends an app event (data JSON-encoded into a string) to the connections subscribed to `channel`. */
  sendEvent(channel: string, event: string, data: unknown): void;
  /** Sends a raw frame to every connection. */
  sendRaw(frame: string): void;
  /** Server-initiated `pusher:ping`. */
  ping(): void;
  /** `pusher:error` with `code`, then a close with that code (as Pusher does). */
  error(code: number, message: string): void;
  /** Drops every connection abruptly (no close frame). */
  dropConnections(): void;
  setCloudflare(on: boolean): void;
  close(): Promise<void>;
}

const CLOUDFLARE_PAGE = '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>';

export async function startFakeKick(options: FakeKickOptions = {}): Promise<FakeKick> {
  const channels = options.channels ?? [{ slug: 'cosykick', channelId: 875_396, chatroomId: 870_983 }];
  let cloudflare = options.cloudflare ?? false;
  let lookups = 0;
  let connections = 0;
  const received: ClientFrame[] = [];
  const subscriptions = new Map<WebSocket, Set<string>>();
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };

  const server: Server = createServer((req, res) => {
    const match = /^\/api\/v2\/channels\/([^/?]+)$/u.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) {
      res.writeHead(404).end();
      return;
    }
    lookups += 1;
    if (cloudflare) {
      res.writeHead(403, { 'content-type': 'text/html; charset=UTF-8', 'cf-mitigated': 'challenge', server: 'cloudflare' }).end(CLOUDFLARE_PAGE);
      return;
    }
    const channel = channels.find((c) => c.slug === decodeURIComponent(match[1]!).toLowerCase());
    if (!channel) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Channel not found.' }));
      return;
    }
    const body = { id: channel.channelId, user_id: channel.channelId + 1, slug: channel.slug, chatroom: { id: channel.chatroomId, channel_id: channel.channelId } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const wss = new WebSocketServer({ server, path: `/app/${FAKE_KICK_APP_KEY}` });

  const send = (ws: WebSocket, frame: Record<string, unknown>): void => ws.send(JSON.stringify(frame));

  wss.on('connection', (ws, req) => {
    connections += 1;
    subscriptions.set(ws, new Set());
    ws.on('close', () => subscriptions.delete(ws));
    const protocol = new URL(req.url ?? '/', 'http://x').searchParams.get('protocol');
    if (protocol !== '7') {
      send(ws, { event: 'pusher:error', data: { code: 4007, message: 'Unsupported protocol version' } });
      ws.close(4007);
      return;
    }
    const socketId = `${100_000 + connections}.${200_000 + connections}`;
    send(ws, { event: 'pusher:connection_established', data: JSON.stringify({ socket_id: socketId, activity_timeout: options.activityTimeoutS ?? 120 }) });
    ws.on('message', (raw) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse(raw.toString()) as ClientFrame;
      } catch {
        received.push({ event: '<unreadable>' });
        notify();
        return;
      }
      received.push(frame);
      if (frame.event === 'pusher:subscribe' && typeof frame.data?.['channel'] === 'string') {
        const channel = frame.data['channel'];
        subscriptions.get(ws)?.add(channel);
        send(ws, { event: 'pusher_internal:subscription_succeeded', data: '{}', channel });
      } else if (frame.event === 'pusher:ping') {
        send(ws, { event: 'pusher:pong', data: {} });
      }
      notify();
    });
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const each = (fn: (ws: WebSocket) => void): void => {
    for (const ws of wss.clients) fn(ws);
  };

  return {
    url: `ws://127.0.0.1:${port}/app/${FAKE_KICK_APP_KEY}?protocol=7&client=js&version=8.4.0&flash=false`,
    apiUrl: `http://127.0.0.1:${port}`,
    received,
    lookups: () => lookups,
    connectionCount: () => connections,
    subscribedChannels: () => [...subscriptions.values()].flatMap((s) => [...s]),
    waitForFrame(match, fromIndex = 0, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = received.slice(fromIndex).find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error('fake Kick: no matching frame in time'));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    sendEvent(channel, event, data) {
      const frame = appFrame(event, data, channel);
      for (const [ws, subscribed] of subscriptions) if (subscribed.has(channel)) ws.send(frame);
    },
    sendRaw: (frame) => each((ws) => ws.send(frame)),
    ping: () => each((ws) => send(ws, { event: 'pusher:ping', data: {} })),
    error(code, message) {
      each((ws) => {
        send(ws, { event: 'pusher:error', data: { code, message } });
        ws.close(code);
      });
    },
    dropConnections: () => each((ws) => ws.terminate()),
    setCloudflare(on) {
      cloudflare = on;
    },
    async close() {
      each((ws) => ws.terminate());
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
