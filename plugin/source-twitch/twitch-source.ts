/**
 * Twitch chat over IRC-on-WebSocket: CAP REQ tags+commands, anonymous (justinfan) or OAuth
 * login, JOIN, PING/PONG both ways, RECONNECT, reconnect with backoff.
 */
import WebSocket from 'ws';
import type { Logger } from '../../server/src/core/logger.ts';
import { createReconnectingSource, type SourceConnection } from '../../server/src/core/reconnecting-source.ts';
import type { BackoffPolicy } from '../../server/src/core/engine-kit/backoff.ts';
import { SourceError, type CaptionSource } from '../../server/src/core/source.ts';
import { parseIrcLine, type IrcMessage } from './irc-message.ts';
import { DEFAULT_TWITCH_TRIGGERS, toSourceEvent, type TwitchTriggers } from './twitch-events.ts';

/** Largest WebSocket frame accepted from the chat server (real ones are a few KiB; lines are capped further by the parser). */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export const TWITCH_IRC_URL = 'wss://irc-ws.chat.twitch.tv:443';

export interface TwitchSourceOptions {
  /** Channel login, with or without '#'. */
  channel: string;
  /** Overridable for tests; default TWITCH_IRC_URL. */
  url?: string;
  /** OAuth chat login; without it the source reads anonymously as justinfanNNNNN. */
  auth?: { username: string; oauthToken: string };
  triggers?: Partial<TwitchTriggers>;
  /** Reconnect delays; default SOURCE_RECONNECT_BACKOFF (1 s doubling to 60 s). */
  backoff?: Partial<BackoffPolicy>;
  /** How often the client PINGs; a connection silent for two intervals is dropped. Default 60 s. */
  pingIntervalMs?: number;
  logger: Logger;
  nowMs?: () => number;
}

const AUTH_FAILURES = ['Login authentication failed', 'Improperly formatted auth'];

function anonymousNick(): string {
  return `justinfan${10_000 + Math.floor(Math.random() * 90_000)}`;
}

export function createTwitchSource(options: TwitchSourceOptions): CaptionSource {
  const channel = options.channel.replace(/^#/u, '').toLowerCase();
  const triggers: TwitchTriggers = { ...DEFAULT_TWITCH_TRIGGERS, ...options.triggers };
  const pingIntervalMs = options.pingIntervalMs ?? 60_000;
  const nowMs = options.nowMs ?? Date.now;

  function connect(connection: SourceConnection): Promise<void> {
    const nick = options.auth ? options.auth.username.toLowerCase() : anonymousNick();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(options.url ?? TWITCH_IRC_URL, { maxPayload: MAX_FRAME_BYTES });
      let failure: Error | undefined;
      const send = (line: string): void => {
        if (ws.readyState === WebSocket.OPEN) ws.send(line);
      };
      const terminate = (): void => ws.terminate();
      connection.signal.addEventListener('abort', terminate, { once: true });
      const pinger = setInterval(() => send('PING :cosy-relay'), pingIntervalMs);

      const handle = (msg: IrcMessage): void => {
        switch (msg.command) {
          case 'PING':
            send(`PONG :${msg.params[0] ?? 'tmi.twitch.tv'}`);
            return;
          case '001':
            send(`JOIN #${channel}`);
            return;
          case 'JOIN':
            if (msg.prefixNick?.toLowerCase() === nick) connection.connected();
            return;
          case 'RECONNECT':
            ws.close();
            return;
          case 'NOTICE': {
            const text = msg.params[1] ?? '';
            if (AUTH_FAILURES.some((f) => text.includes(f))) {
              failure = new SourceError('twitch_auth_failed', `Twitch refused the login: ${text}`);
              ws.close();
            }
            return;
          }
          default: {
            const event = toSourceEvent(msg, triggers, nowMs());
            if (event) connection.emit(event);
          }
        }
      };

      ws.on('open', () => {
        send('CAP REQ :twitch.tv/tags twitch.tv/commands');
        if (options.auth) send(`PASS oauth:${options.auth.oauthToken.replace(/^oauth:/u, '')}`);
        send(`NICK ${nick}`);
      });
      ws.on('message', (data: WebSocket.RawData) => {
        connection.alive();
        for (const line of data.toString().split('\r\n')) {
          const msg = line === '' ? undefined : parseIrcLine(line);
          if (msg) handle(msg);
        }
      });
      ws.on('error', (error) => {
        failure ??= error;
      });
      ws.on('close', () => {
        clearInterval(pinger);
        connection.signal.removeEventListener('abort', terminate);
        if (failure) reject(failure);
        else resolve();
      });
    });
  }

  return createReconnectingSource({
    name: 'twitch',
    connect,
    logger: options.logger,
    idleTimeoutMs: pingIntervalMs * 2,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
  });
}
