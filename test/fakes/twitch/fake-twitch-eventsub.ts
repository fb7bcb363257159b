/**
 * A fake Twitch EventSub + Helix on 127.0.0.1 (port 0), speaking the real protocol: the
 * WebSocket `/ws` (session_welcome, session_keepalive every keepalive_timeout_seconds,
 * notification, session_reconnect with a reconnect_url, revocation, close codes 4001 for
 * inbound traffic and 4003 for a session left without subscription), `/oauth2/validate`,
 * `/helix/users` and `/helix/eventsub/subscriptions` (POST / GET / DELETE) with Twitch's
 * errors: 400 malformed, 401 bad token, 403 missing scope, 409 already exists, 429 with
 * Ratelimit-* headers. Frames and error bodies follow eventsub-payloads.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { HELIX_ERRORS, VALIDATE_INVALID } from './eventsub-payloads.ts';

/** The scopes each subscription type accepts (any one), from the subscription types' docs. */
const SCOPES: Record<string, string[]> = {
  'channel.ban': ['channel:moderate'],
  'channel.chat.message_delete': ['user:read:chat'],
  'channel.chat.clear_user_messages': ['user:read:chat'],
  'channel.chat.clear': ['user:read:chat'],
  'channel.channel_points_custom_reward_redemption.add': ['channel:read:redemptions', 'channel:manage:redemptions'],
  'channel.cheer': ['bits:read'],
  'channel.subscribe': ['channel:read:subscriptions'],
  'channel.subscription.message': ['channel:read:subscriptions'],
  'channel.subscription.gift': ['channel:read:subscriptions'],
  'channel.raid': [],
  'channel.follow': ['moderator:read:followers'],
};
export const ALL_SCOPES = [...new Set(Object.values(SCOPES).flat())];

export interface FakeSubscription {
  id: string;
  status: string;
  type: string;
  version: string;
  condition: Record<string, string>;
  transport: { method: 'websocket'; session_id: string };
  created_at: string;
  cost: number;
}

export interface FakeEventSubOptions {
  token?: string;
  clientId?: string;
  /** The token's user (the broadcaster by default). */
  userId?: string;
  login?: string;
  scopes?: string[];
  /** Channels Helix knows: login → id. */
  users?: Record<string, string>;
  keepaliveS?: number;
}

export interface FakeTwitchEventSub {
  /** ws://…/ws */
  url: string;
  /** http://…/helix */
  helixUrl: string;
  /** http://…/oauth2 */
  idUrl: string;
  readonly subscriptions: FakeSubscription[];
  /** Every HTTP request: method, path, status answered. */
  readonly requests: { method: string; path: string; status: number }[];
  connectionCount(): number;
  /** Sockets that received a welcome and are still open. */
  openSockets(): number;
  /** A notification to the session holding an enabled subscription of `type`; resolves false when none does. */
  notify(type: string, event: object, meta?: { messageId?: string; timestamp?: string }): boolean;
  /** Sends a session_reconnect to every socket; their sessions continue on the reconnect_url. */
  requestReconnect(): void;
  /** Revokes the subscriptions of `type` (revocation message, then gone). */
  revoke(type: string, status: 'authorization_revoked' | 'user_removed' | 'version_removed'): void;
  /** Any text to every socket (malformed frames). */
  sendRaw(text: string): void;
  /** Stops (true) or resumes keepalives (a dead link). */
  silence(on: boolean): void;
  /** The token stops validating (401 everywhere). */
  revokeToken(): void;
  /** The next `n` subscription requests get 429. */
  rateLimitNext(n: number): void;
  /** Closes every socket with `code`. */
  closeSockets(code: number): void;
  close(): Promise<void>;
}

interface Session {
  id: string;
  socket: WebSocket;
  keepalive: NodeJS.Timeout;
  unused?: NodeJS.Timeout;
}

function frame(type: string, payload: object, extra: Record<string, string> = {}, meta: { messageId?: string; timestamp?: string } = {}): string {
  return JSON.stringify({
    metadata: { message_id: meta.messageId ?? randomUUID(), message_type: type, message_timestamp: meta.timestamp ?? new Date().toISOString(), ...extra },
    payload,
  });
}

export async function startFakeTwitchEventSub(options: FakeEventSubOptions = {}): Promise<FakeTwitchEventSub> {
  const token = options.token ?? 'eventsub-test-token';
  const clientId = options.clientId ?? 'fakeclientid';
  const userId = options.userId ?? '1337';
  const login = options.login ?? 'cosychan';
  const scopes = options.scopes ?? ALL_SCOPES;
  const users = options.users ?? { [login]: userId };
  const keepaliveS = options.keepaliveS ?? 10;
  const subscriptions: FakeSubscription[] = [];
  const requests: FakeTwitchEventSub['requests'] = [];
  const sessions = new Map<string, Session>();
  let connections = 0;
  let tokenValid = true;
  let rateLimited = 0;
  let silent = false;

  const sendJson = (res: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers });
    res.end(body ? JSON.stringify(body) : undefined);
  };

  const bearerOk = (req: IncomingMessage): boolean => tokenValid && req.headers.authorization === `Bearer ${token}`;

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function createSubscription(req: IncomingMessage, res: ServerResponse): Promise<number> {
    if (!bearerOk(req)) return (sendJson(res, 401, HELIX_ERRORS[401]), 401);
    if (rateLimited > 0) {
      rateLimited -= 1;
      const resetS = Math.ceil(Date.now() / 1000) + 1;
      sendJson(res, 429, HELIX_ERRORS[429], { 'Ratelimit-Limit': '800', 'Ratelimit-Remaining': '0', 'Ratelimit-Reset': String(resetS) });
      return 429;
    }
    let body: { type?: string; version?: string; condition?: Record<string, string>; transport?: { method?: string; session_id?: string } };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return (sendJson(res, 400, { ...HELIX_ERRORS[400], message: 'malformed JSON' }), 400);
    }
    const sessionId = body.transport?.session_id;
    const type = body.type ?? '';
    if (!(type in SCOPES) || !body.version || !body.condition || body.transport?.method !== 'websocket' || !sessionId || !sessions.has(sessionId)) {
      return (sendJson(res, 400, HELIX_ERRORS[400]), 400);
    }
    const needs = SCOPES[type]!;
    if (needs.length > 0 && !needs.some((s) => scopes.includes(s))) return (sendJson(res, 403, HELIX_ERRORS[403]), 403);
    const same = (s: FakeSubscription): boolean => s.type === type && JSON.stringify(s.condition) === JSON.stringify(body.condition) && s.transport.session_id === sessionId;
    if (subscriptions.some(same)) return (sendJson(res, 409, HELIX_ERRORS[409]), 409);
    const sub: FakeSubscription = {
      id: randomUUID(),
      status: 'enabled',
      type,
      version: body.version,
      condition: body.condition,
      transport: { method: 'websocket', session_id: sessionId },
      created_at: new Date().toISOString(),
      cost: 0,
    };
    subscriptions.push(sub);
    const session = sessions.get(sessionId)!;
    clearTimeout(session.unused);
    sendJson(res, 202, { data: [sub], total: subscriptions.length, total_cost: 0, max_total_cost: 10 });
    return 202;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/oauth2/validate') {
      if (!tokenValid || req.headers.authorization !== `OAuth ${token}`) return (sendJson(res, 401, VALIDATE_INVALID), 401);
      sendJson(res, 200, { client_id: clientId, login, scopes, user_id: userId, expires_in: 5520838 });
      return 200;
    }
    if (!bearerOk(req) && url.pathname.startsWith('/helix/')) return (sendJson(res, 401, HELIX_ERRORS[401]), 401);
    if (req.headers['client-id'] !== clientId) return (sendJson(res, 401, { error: 'Unauthorized', status: 401, message: 'Client ID and OAuth token do not match' }), 401);
    if (url.pathname === '/helix/users' && req.method === 'GET') {
      const id = users[url.searchParams.get('login') ?? ''];
      const name = url.searchParams.get('login') ?? '';
      sendJson(res, 200, { data: id ? [{ id, login: name, display_name: name, type: '', broadcaster_type: 'partner', description: '', created_at: '2016-12-14T20:32:28Z' }] : [] });
      return 200;
    }
    if (url.pathname === '/helix/eventsub/subscriptions') {
      if (req.method === 'POST') return createSubscription(req, res);
      if (req.method === 'GET') {
        sendJson(res, 200, { data: subscriptions, total: subscriptions.length, total_cost: 0, max_total_cost: 10, pagination: {} });
        return 200;
      }
      if (req.method === 'DELETE') {
        const index = subscriptions.findIndex((s) => s.id === url.searchParams.get('id'));
        if (index < 0) return (sendJson(res, 404, { error: 'Not Found', status: 404, message: 'subscription not found' }), 404);
        subscriptions.splice(index, 1);
        return (sendJson(res, 204), 204);
      }
    }
    return (sendJson(res, 404, { error: 'Not Found', status: 404, message: 'not found' }), 404);
  }

  const server = createServer((req, res) => {
    route(req, res).then(
      (status) => requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, status }),
      () => sendJson(res, 500, { error: 'Internal Server Error', status: 500, message: 'fake failed' }),
    );
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => welcome(ws, url.searchParams.get('reconnect')));
  });

  /** A new socket: a new session, or (from a reconnect_url) the old one moved here. */
  function welcome(ws: WebSocket, movedSession: string | null): void {
    connections += 1;
    const previous = movedSession ? sessions.get(movedSession) : undefined;
    const id = previous?.id ?? `AQoQ${randomUUID().replaceAll('-', '')}`;
    if (previous) clearInterval(previous.keepalive);
    const session: Session = {
      id,
      socket: ws,
      keepalive: setInterval(() => {
        if (!silent) ws.send(frame('session_keepalive', {}));
      }, keepaliveS * 1000),
    };
    if (!previous) session.unused = setTimeout(() => ws.close(4003, 'connection unused'), keepaliveS * 1000);
    sessions.set(id, session);
    ws.send(frame('session_welcome', { session: { id, status: 'connected', connected_at: new Date().toISOString(), keepalive_timeout_seconds: keepaliveS, reconnect_url: null, recovery_url: null } }));
    ws.on('message', () => ws.close(4001, 'client sent inbound traffic'));
    ws.on('close', () => {
      if (sessions.get(id)?.socket !== ws) return; // moved to a new socket
      clearInterval(session.keepalive);
      clearTimeout(session.unused);
      sessions.delete(id);
      // Twitch disables a session's subscriptions when its socket goes (websocket_disconnected).
      for (let i = subscriptions.length - 1; i >= 0; i--) if (subscriptions[i]!.transport.session_id === id) subscriptions.splice(i, 1);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `127.0.0.1:${port}`;

  return {
    url: `ws://${base}/ws`,
    helixUrl: `http://${base}/helix`,
    idUrl: `http://${base}/oauth2`,
    subscriptions,
    requests,
    connectionCount: () => connections,
    openSockets: () => sessions.size,
    notify(type, event, meta = {}) {
      const sub = subscriptions.find((s) => s.type === type && s.status === 'enabled');
      const session = sub && sessions.get(sub.transport.session_id);
      if (!sub || !session) return false;
      session.socket.send(frame('notification', { subscription: sub, event }, { subscription_type: type, subscription_version: sub.version }, meta));
      return true;
    },
    requestReconnect() {
      for (const session of sessions.values()) {
        session.socket.send(
          frame('session_reconnect', {
            session: { id: session.id, status: 'reconnecting', keepalive_timeout_seconds: null, reconnect_url: `ws://${base}/ws?reconnect=${session.id}`, connected_at: new Date().toISOString() },
          }),
        );
      }
    },
    revoke(type, status) {
      for (let i = subscriptions.length - 1; i >= 0; i--) {
        const sub = subscriptions[i]!;
        if (sub.type !== type) continue;
        subscriptions.splice(i, 1);
        sessions.get(sub.transport.session_id)?.socket.send(
          frame('revocation', { subscription: { ...sub, status } }, { subscription_type: type, subscription_version: sub.version }),
        );
      }
    },
    sendRaw(text) {
      for (const session of sessions.values()) session.socket.send(text);
    },
    silence(on) {
      silent = on;
    },
    revokeToken() {
      tokenValid = false;
    },
    rateLimitNext(n) {
      rateLimited = n;
    },
    closeSockets(code) {
      for (const session of sessions.values()) session.socket.close(code);
    },
    async close() {
      for (const session of sessions.values()) {
        clearInterval(session.keepalive);
        clearTimeout(session.unused);
        session.socket.terminate();
      }
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
