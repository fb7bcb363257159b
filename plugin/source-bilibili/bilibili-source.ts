/**
 * Bilibili live danmaku over WebSocket: auth packet, heartbeat every 30 s (answered with
 * popularity, shown in the status), zlib/brotli command bodies, reconnect with backoff. A
 * platform message is emitted once (a guard purchase arrives as several commands), and the
 * status says when the platform masks viewers' names (no login).
 */
import {
  createWebSocketSource,
  type SocketSourceOptions,
  type WebSocketLink,
  type WebSocketSession,
} from '../../server/src/core/websocket-source.ts';
import { SourceError, type CaptionSource, type SourceEvent, type SourceStatus } from '../../server/src/core/source.ts';
import { commandName, DEFAULT_BILIBILI_TRIGGERS, toSourceEvents, type BilibiliTriggers } from './bilibili-commands.ts';
import { SeenIds } from '../../server/src/core/seen-ids.ts';
import { decodePackets, encodePacket, HEARTBEAT_BODY, Operation, type Packet } from './packet.ts';

export const BILIBILI_DANMAKU_URL = 'wss://broadcastlv.chat.bilibili.com/sub';

export interface BilibiliSourceOptions extends SocketSourceOptions {
  /** The real (long) room id, not a short vanity id. */
  roomId: number;
  /** Overridable for tests; default BILIBILI_DANMAKU_URL. */
  url?: string;
  /** Logged-in viewer uid (0 = anonymous: the server may mask user names). */
  uid?: number;
  /** Token from getDanmuInfo, when the server asks for one. */
  key?: string;
  buvid?: string;
  /** The streamer's uid: their danmaku get the 'broadcaster' role. */
  anchorUid?: number;
  triggers?: Partial<BilibiliTriggers>;
  /** Default 30 s; a connection silent for two intervals is dropped. */
  heartbeatIntervalMs?: number;
}

/** Message ids remembered to emit each once: guard commands of one purchase arrive within seconds. */
const SEEN_MESSAGE_IDS = 1_000;

function authBody(options: BilibiliSourceOptions): string {
  return JSON.stringify({
    uid: options.uid ?? 0,
    roomid: options.roomId,
    protover: 3,
    ...(options.buvid === undefined ? {} : { buvid: options.buvid }),
    platform: 'web',
    type: 2,
    ...(options.key === undefined ? {} : { key: options.key }),
  });
}

export function createBilibiliSource(options: BilibiliSourceOptions): CaptionSource {
  const triggers: BilibiliTriggers = { ...DEFAULT_BILIBILI_TRIGGERS, ...options.triggers };
  const nowMs = options.nowMs ?? Date.now;
  const log = options.logger.child({ source: 'bilibili', roomId: options.roomId });
  const seen = new SeenIds(SEEN_MESSAGE_IDS);
  let namesMasked = false;
  let popularity: number | undefined;

  /** Whether to emit `event`, noting what it says about masking on the way. */
  const admit = (event: SourceEvent): boolean => {
    if (event.type !== 'caption') return true;
    if (event.kind === 'chat') namesMasked = event.maskedName === true;
    return seen.firstTime(event.messageId);
  };

  /** Sends the auth packet; heartbeats once the server accepted it; reads command packets. */
  function open(link: WebSocketLink): WebSocketSession {
    let seq = 0;
    const send = (operation: number, body: string): void => {
      seq += 1;
      link.send(encodePacket(operation, body, seq));
    };
    const heartbeat = (): void => send(Operation.heartbeat, HEARTBEAT_BODY);

    const onAuthReply = (packet: Packet): void => {
      let code: unknown;
      try {
        code = (JSON.parse(packet.body.toString('utf8')) as { code?: unknown }).code;
      } catch {
        code = 'unparsable reply';
      }
      if (code !== 0) {
        link.close(new SourceError('bilibili_auth_failed', `Bilibili refused the auth packet (code ${String(code)})`));
        return;
      }
      link.connected();
      heartbeat();
    };

    const onCommand = (packet: Packet): void => {
      let body: unknown;
      try {
        body = JSON.parse(packet.body.toString('utf8'));
      } catch {
        log.debug({ bytes: packet.body.length }, 'bilibili: skipped a command that is not JSON');
        return;
      }
      try {
        if (commandName(body) === 'LOG_IN_NOTICE') namesMasked = true;
        for (const event of toSourceEvents(body, { triggers, anchorUid: options.anchorUid, receivedAtMs: nowMs() })) {
          if (admit(event)) link.emit(event);
        }
      } catch (error) {
        // One odd command from the server must never take the relay down.
        log.warn({ err: (error as Error).message }, 'bilibili: skipped a command that could not be read');
      }
    };

    send(Operation.auth, authBody(options));
    return {
      onMessage(data) {
        let packets: Packet[];
        try {
          packets = decodePackets(data);
        } catch (error) {
          log.warn({ error: (error as Error).message }, 'bilibili: skipped a malformed frame');
          return;
        }
        for (const packet of packets) {
          if (packet.operation === Operation.authReply) onAuthReply(packet);
          else if (packet.operation === Operation.command) onCommand(packet);
          else if (packet.operation === Operation.heartbeatReply && packet.body.length >= 4) popularity = packet.body.readUInt32BE(0);
        }
      },
      heartbeat,
    };
  }

  const source = createWebSocketSource(
    'bilibili',
    { url: options.url ?? BILIBILI_DANMAKU_URL, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000, open },
    options,
  );
  const status = (): SourceStatus => ({
    ...source.status(),
    ...(namesMasked ? { notices: ['names-masked'] } : {}),
    ...(popularity === undefined ? {} : { popularity }),
  });
  return { ...source, status };
}
