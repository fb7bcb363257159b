/**
 * Kick chat over its public Pusher WebSocket, as kick.com's own web client reads it (no
 * account, no developer app): wait for `pusher:connection_established`, find the chatroom
 * id (given, or from the public channel endpoint), `pusher:subscribe` to
 * `chatrooms.<id>.v2` (and `channel_<channel id>` for KICKs gifts), connected once Pusher
 * answers `pusher_internal:subscription_succeeded`; `pusher:ping` at the server's activity
 * timeout, `pusher:pong` to its pings; `pusher:error` codes say how to reconnect. A platform
 * message is emitted once (a bounded memory of ids), and a frame that cannot be read is
 * counted, logged and skipped.
 */
import {
  createWebSocketSource,
  type SocketSourceOptions,
  type WebSocketLink,
  type WebSocketSession,
} from '../../server/src/core/websocket-source.ts';
import { SeenIds } from '../../server/src/core/seen-ids.ts';
import { SourceError, type CaptionSource, type SourceEvent, type SourceStatus } from '../../server/src/core/source.ts';
import { KICK_API_URL, lookUpKickChannel, type KickChannelIds } from './channel-lookup.ts';
import { DEFAULT_KICK_TRIGGERS, toSourceEvent, type KickTriggers } from './kick-events.ts';
import { MalformedFrameError, parsePusherFrame, pusherFrame, reconnectAdviceOf, type PusherFrame } from './pusher-frame.ts';

/** Kick's public Pusher app (cluster us2), as its web client connects (retconned/kick-js src/core/websocket.ts, Bukk94/KickLib KickClient.cs). */
export const KICK_PUSHER_URL = 'wss://ws-us2.pusher.com/app/32cbd69e4b950bf97679?protocol=7&client=js&version=8.4.0&flash=false';

export interface KickSourceOptions extends SocketSourceOptions {
  /** The channel's slug (kick.com/<slug>); its ids are looked up unless `chatroomId` is given. */
  channel?: string;
  /** The chatroom id, when the lookup is refused (Cloudflare) or to skip it. */
  chatroomId?: number;
  /** The channel id (KICKs gifts); found by the lookup when not given. */
  channelId?: number;
  /** Overridable for tests; default KICK_PUSHER_URL. */
  url?: string;
  /** Where the channel endpoint is; default KICK_API_URL. */
  apiUrl?: string;
  triggers?: Partial<KickTriggers>;
  /** Longest keepalive period; Pusher's `activity_timeout` (120 s on Kick) shortens it. Default 120 s. */
  heartbeatIntervalMs?: number;
}

/** Message ids remembered to emit each once (a server redelivering after a reconnect). */
const SEEN_MESSAGE_IDS = 1_000;

export function createKickSource(options: KickSourceOptions): CaptionSource {
  if (options.chatroomId === undefined && !options.channel) throw new SourceError('kick_no_channel', 'Kick needs KICK_CHANNEL or KICK_CHATROOM_ID');
  const triggers: KickTriggers = { ...DEFAULT_KICK_TRIGGERS, ...options.triggers };
  const nowMs = options.nowMs ?? Date.now;
  const log = options.logger.child({ source: 'kick' });
  const seen = new SeenIds(SEEN_MESSAGE_IDS);
  let ids: KickChannelIds | undefined =
    options.chatroomId === undefined
      ? undefined
      : { chatroomId: options.chatroomId, ...(options.channelId === undefined ? {} : { channelId: options.channelId }) };
  let lookupRefused = false;
  let malformedFrames = 0;

  /** The chatroom id: known, or looked up (once; kept across reconnects). */
  async function channelIds(): Promise<KickChannelIds> {
    if (ids) return ids;
    try {
      ids = await lookUpKickChannel(options.apiUrl ?? KICK_API_URL, options.channel!);
    } catch (error) {
      lookupRefused = error instanceof SourceError && error.code === 'kick_lookup_refused';
      throw error;
    }
    lookupRefused = false;
    log.info({ ...ids }, 'kick: found the chatroom');
    return ids;
  }

  function open(link: WebSocketLink): WebSocketSession {
    let activityTimeoutMs: number | undefined;
    let chatroomChannel: string | undefined;
    let loggedMalformed = false;

    const malformed = (error: MalformedFrameError): void => {
      malformedFrames += 1;
      const fields = { error: error.message, malformedFrames };
      if (loggedMalformed) log.debug(fields, 'kick: skipped a malformed frame');
      else log.warn(fields, 'kick: skipped a malformed frame');
      loggedMalformed = true;
    };

    const subscribe = (found: KickChannelIds): void => {
      chatroomChannel = `chatrooms.${found.chatroomId}.v2`;
      link.send(pusherFrame('pusher:subscribe', { auth: '', channel: chatroomChannel }));
      if (found.channelId !== undefined) link.send(pusherFrame('pusher:subscribe', { auth: '', channel: `channel_${found.channelId}` }));
    };

    const handle = (frame: PusherFrame): void => {
      switch (frame.event) {
        case 'pusher:connection_established': {
          const timeoutS = frame.data['activity_timeout'];
          activityTimeoutMs = typeof timeoutS === 'number' && timeoutS > 0 ? timeoutS * 1000 : undefined;
          channelIds().then(subscribe, (error: unknown) => link.close(error as Error));
          return;
        }
        case 'pusher_internal:subscription_succeeded':
          if (frame.channel === chatroomChannel) link.connected(activityTimeoutMs);
          return;
        case 'pusher:ping':
          link.send(pusherFrame('pusher:pong'));
          return;
        case 'pusher:error': {
          const code = frame.data['code'];
          const message = typeof frame.data['message'] === 'string' ? frame.data['message'] : 'no message';
          const reconnect = reconnectAdviceOf(code);
          link.close(new SourceError(`kick_pusher_${typeof code === 'number' ? code : 'error'}`, `Pusher error ${String(code)}: ${message}`, { reconnect }));
          return;
        }
        default: {
          const event = toSourceEvent(frame.event, frame.data, triggers, nowMs());
          if (event && admit(event)) link.emit(event);
        }
      }
    };

    return {
      onMessage(data) {
        try {
          handle(parsePusherFrame(data.toString('utf8')));
        } catch (error) {
          // One odd frame from the server must never take the relay down.
          if (error instanceof MalformedFrameError) malformed(error);
          else log.warn({ error: (error as Error).message }, 'kick: skipped a frame that could not be read');
        }
      },
      heartbeat: () => link.send(pusherFrame('pusher:ping')),
    };
  }

  const admit = (event: SourceEvent): boolean => event.type !== 'caption' || seen.firstTime(event.messageId);

  const source = createWebSocketSource(
    'kick',
    { url: options.url ?? KICK_PUSHER_URL, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 120_000, open },
    options,
  );
  const status = (): SourceStatus => ({
    ...source.status(),
    ...(lookupRefused ? { notices: ['chatroom-lookup-refused'] } : {}),
    ...(malformedFrames > 0 ? { malformedFrames } : {}),
  });
  return { ...source, status };
}
