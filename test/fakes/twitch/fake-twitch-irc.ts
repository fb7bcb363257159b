/**
 * A fake Twitch chat server (IRC over WebSocket on 127.0.0.1, port 0) that speaks real IRC
 * lines with IRCv3 tags and records every line clients send (CAP, PASS/NICK, JOIN, PONG).
 */
import { once } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeTwitchIrc {
  url: string;
  /** Every line any client sent, in order. */
  readonly received: string[];
  /** Connections accepted so far. */
  connectionCount(): number;
  /** Resolves with the first line at index >= `fromIndex` that matches. */
  waitForLine(match: (line: string) => boolean, fromIndex?: number, timeoutMs?: number): Promise<string>;
  /** Sends raw lines (one frame, CR LF separated) to every connected client. */
  send(...lines: string[]): void;
  /** Server-initiated PING. */
  ping(): void;
  /** Twitch's "please reconnect" notice. */
  requestReconnect(): void;
  /** Drops every connection abruptly (no close frame). */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface FakeTwitchIrcOptions {
  /** Answer PASS with Twitch's "Login authentication failed" NOTICE and close. */
  rejectLogin?: boolean;
  /** Listen on this port (to come back where a client keeps retrying); default any free port. */
  port?: number;
}

const TAG_ESCAPES: Record<string, string> = { ';': '\\:', ' ': '\\s', '\\': '\\\\', '\r': '\\r', '\n': '\\n' };

function tagString(tags: Record<string, string | number>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${String(v).replace(/[; \\\r\n]/gu, (c) => TAG_ESCAPES[c]!)}`)
    .join(';');
}

export interface ChatterSpec {
  login: string;
  displayName?: string;
  userId?: string;
  /** e.g. "moderator/1,subscriber/12". */
  badges?: string;
}

function userTags(c: ChatterSpec): Record<string, string | number> {
  const badges = c.badges ?? '';
  return {
    'badge-info': '',
    badges,
    color: '#1E90FF',
    'display-name': c.displayName ?? c.login,
    mod: badges.includes('moderator/') ? 1 : 0,
    subscriber: badges.includes('subscriber/') ? 1 : 0,
    turbo: 0,
    'user-id': c.userId ?? '1000',
    'user-type': badges.includes('moderator/') ? 'mod' : '',
    ...(badges.includes('vip/') ? { vip: 1 } : {}),
  };
}

/** A PRIVMSG line as Twitch sends it; `extraTags` adds e.g. bits, emotes, custom-reward-id. */
export function privmsgLine(
  channel: string,
  chatter: ChatterSpec,
  text: string,
  extraTags: Record<string, string | number> = {},
): string {
  const tags = {
    ...userTags(chatter),
    emotes: '',
    'first-msg': 0,
    flags: '',
    id: `msg-${Math.random().toString(16).slice(2)}`,
    'room-id': '12345',
    'tmi-sent-ts': Date.now(),
    ...extraTags,
  };
  const l = chatter.login;
  return `@${tagString(tags)} :${l}!${l}@${l}.tmi.twitch.tv PRIVMSG #${channel} :${text}`;
}

/** A USERNOTICE for a sub or resub, optionally with the subscriber's message. */
export function subNoticeLine(
  channel: string,
  chatter: ChatterSpec,
  msgId: 'sub' | 'resub' | 'subgift' | 'raid',
  message?: string,
  extraTags: Record<string, string | number> = {},
): string {
  const tags = {
    ...userTags(chatter),
    emotes: '',
    id: `notice-${Math.random().toString(16).slice(2)}`,
    login: chatter.login,
    'msg-id': msgId,
    'msg-param-cumulative-months': 3,
    'msg-param-sub-plan': 1000,
    'room-id': '12345',
    'system-msg': `${chatter.login} subscribed at Tier 1.`,
    'tmi-sent-ts': Date.now(),
    ...extraTags,
  };
  return `@${tagString(tags)} :tmi.twitch.tv USERNOTICE #${channel}${message === undefined ? '' : ` :${message}`}`;
}

/** CLEARCHAT: a ban (no duration), a timeout (with `banDurationS`), or a full clear (no user). */
export function clearChatLine(channel: string, target?: { login: string; userId: string; banDurationS?: number }): string {
  if (!target) return `@room-id=12345;tmi-sent-ts=${Date.now()} :tmi.twitch.tv CLEARCHAT #${channel}`;
  const tags = {
    ...(target.banDurationS === undefined ? {} : { 'ban-duration': target.banDurationS }),
    'room-id': '12345',
    'target-user-id': target.userId,
    'tmi-sent-ts': Date.now(),
  };
  return `@${tagString(tags)} :tmi.twitch.tv CLEARCHAT #${channel} :${target.login}`;
}

export function clearMsgLine(channel: string, login: string, targetMsgId: string, text: string): string {
  const tags = { login, 'room-id': '', 'target-msg-id': targetMsgId, 'tmi-sent-ts': Date.now() };
  return `@${tagString(tags)} :tmi.twitch.tv CLEARMSG #${channel} :${text}`;
}

export async function startFakeTwitchIrc(options: FakeTwitchIrcOptions = {}): Promise<FakeTwitchIrc> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0 });
  await once(wss, 'listening');
  const received: string[] = [];
  const waiters = new Set<() => void>();
  let connections = 0;

  const reply = (ws: WebSocket, ...lines: string[]): void => {
    if (ws.readyState === ws.OPEN) ws.send(lines.join('\r\n'));
  };

  const onLine = (ws: WebSocket, state: { nick: string }, line: string): void => {
    received.push(line);
    for (const wake of waiters) wake();
    const [command = '', ...args] = line.split(' ');
    switch (command.toUpperCase()) {
      case 'CAP':
        reply(ws, `:tmi.twitch.tv CAP * ACK :${line.slice(line.indexOf(':') + 1)}`);
        break;
      case 'PASS':
        if (options.rejectLogin) {
          reply(ws, ':tmi.twitch.tv NOTICE * :Login authentication failed');
          ws.close();
        }
        break;
      case 'NICK':
        state.nick = args[0] ?? '';
        reply(
          ws,
          `:tmi.twitch.tv 001 ${state.nick} :Welcome, GLHF!`,
          `:tmi.twitch.tv 002 ${state.nick} :Your host is tmi.twitch.tv`,
          `:tmi.twitch.tv 376 ${state.nick} :>`,
        );
        break;
      case 'JOIN': {
        const channel = args[0] ?? '';
        const n = state.nick;
        reply(
          ws,
          `:${n}!${n}@${n}.tmi.twitch.tv JOIN ${channel}`,
          `:${n}.tmi.twitch.tv 353 ${n} = ${channel} :${n}`,
          `@emote-only=0;followers-only=-1;r9k=0;room-id=12345;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE ${channel}`,
        );
        break;
      }
      case 'PING':
        reply(ws, `:tmi.twitch.tv PONG tmi.twitch.tv ${args.join(' ')}`);
        break;
    }
  };

  wss.on('connection', (ws) => {
    connections += 1;
    const state = { nick: '' };
    ws.on('message', (data) => {
      for (const line of data.toString().split('\r\n')) if (line !== '') onLine(ws, state, line);
    });
  });

  const broadcast = (...lines: string[]): void => {
    for (const ws of wss.clients) reply(ws, ...lines);
  };

  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    received,
    connectionCount: () => connections,
    waitForLine(match, fromIndex = 0, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = received.slice(fromIndex).find(match);
          if (line === undefined) return false;
          cleanup();
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake twitch: no matching line within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = (): void => {
          check();
        };
        if (!check()) waiters.add(wake);
      });
    },
    send: broadcast,
    ping: () => broadcast('PING :tmi.twitch.tv'),
    requestReconnect: () => broadcast(':tmi.twitch.tv RECONNECT'),
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
