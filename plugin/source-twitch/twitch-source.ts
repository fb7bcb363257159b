/**
 * Twitch chat over IRC-on-WebSocket: CAP REQ tags+commands, anonymous (justinfan) or OAuth
 * login, JOIN, PING/PONG both ways, RECONNECT, reconnect with backoff.
 */
import {
  createWebSocketSource,
  type SocketSourceOptions,
  type WebSocketLink,
  type WebSocketSession,
} from '../../server/src/core/websocket-source.ts';
import { SourceError, type CaptionSource } from '../../server/src/core/source.ts';
import { ChatMemory } from './chat-memory.ts';
import { parseIrcLine, type IrcMessage } from './irc-message.ts';
import { DEFAULT_TWITCH_TRIGGERS, toSourceEvent, type Coverage, type TwitchTriggers } from './twitch-events.ts';

export const TWITCH_IRC_URL = 'wss://irc-ws.chat.twitch.tv:443';

export interface TwitchSourceOptions extends SocketSourceOptions {
  /** Channel login, with or without '#'. */
  channel: string;
  /** Overridable for tests; default TWITCH_IRC_URL. */
  url?: string;
  /** OAuth chat login; without it the source reads anonymously as justinfanNNNNN. */
  auth?: { username: string; oauthToken: string };
  triggers?: Partial<TwitchTriggers>;
  /** The kinds an EventSub source of the same channel reads at the moment: not read here then. */
  coveredByEventSub?: Coverage;
  /** How often the client PINGs; a connection silent for two intervals is dropped. Default 60 s. */
  pingIntervalMs?: number;
}

const AUTH_FAILURES = ['Login authentication failed', 'Improperly formatted auth'];

function anonymousNick(): string {
  return `justinfan${10_000 + Math.floor(Math.random() * 90_000)}`;
}

export function createTwitchSource(options: TwitchSourceOptions): CaptionSource {
  const channel = options.channel.replace(/^#/u, '').toLowerCase();
  const triggers: TwitchTriggers = { ...DEFAULT_TWITCH_TRIGGERS, ...options.triggers };
  const nowMs = options.nowMs ?? Date.now;
  /** Kept across reconnects: a ban after a reconnect still finds the chatter's id. */
  const memory = new ChatMemory();

  /** Logs in (CAP, PASS, NICK) and answers the server, line by line. */
  function open(link: WebSocketLink): WebSocketSession {
    const nick = options.auth ? options.auth.username.toLowerCase() : anonymousNick();
    link.send('CAP REQ :twitch.tv/tags twitch.tv/commands');
    if (options.auth) link.send(`PASS oauth:${options.auth.oauthToken.replace(/^oauth:/u, '')}`);
    link.send(`NICK ${nick}`);

    const handle = (msg: IrcMessage): void => {
      switch (msg.command) {
        case 'PING':
          link.send(`PONG :${msg.params[0] ?? 'tmi.twitch.tv'}`);
          return;
        case '001':
          link.send(`JOIN #${channel}`);
          return;
        case 'JOIN':
          if (msg.prefixNick?.toLowerCase() === nick) link.connected();
          return;
        case 'RECONNECT':
          link.close();
          return;
        case 'NOTICE': {
          const text = msg.params[1] ?? '';
          if (AUTH_FAILURES.some((f) => text.includes(f))) {
            link.close(new SourceError('twitch_auth_failed', `Twitch refused the login: ${text}`));
          }
          return;
        }
        default: {
          const event = toSourceEvent(msg, triggers, nowMs(), memory, options.coveredByEventSub);
          if (event) link.emit(event);
        }
      }
    };

    return {
      onMessage(data) {
        for (const line of data.toString().split('\r\n')) {
          const msg = line === '' ? undefined : parseIrcLine(line);
          if (msg) handle(msg);
        }
      },
      heartbeat: () => link.send('PING :cosy-relay'),
    };
  }

  return createWebSocketSource(
    'twitch',
    { url: options.url ?? TWITCH_IRC_URL, heartbeatIntervalMs: options.pingIntervalMs ?? 60_000, open },
    options,
  );
}
