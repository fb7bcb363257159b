/**
 * Bilibili live danmaku over WebSocket: auth packet, heartbeat every 30 s (answered with
 * popularity), zlib/brotli command bodies, reconnect with backoff.
 */
import WebSocket from 'ws';
import type { Logger } from '../../server/src/core/logger.ts';
import { createReconnectingSource, type SourceConnection } from '../../server/src/core/reconnecting-source.ts';
import type { BackoffPolicy } from '../../server/src/core/engine-kit/backoff.ts';
import { SourceError, type CaptionSource } from '../../server/src/core/source.ts';
import { DEFAULT_BILIBILI_TRIGGERS, toSourceEvents, type BilibiliTriggers } from './bilibili-commands.ts';
import { decodePackets, encodePacket, Operation, type Packet } from './packet.ts';

/** Largest WebSocket frame accepted from the chat server (real ones are a few KiB; lines are capped further by the parser). */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export const BILIBILI_DANMAKU_URL = 'wss://broadcastlv.chat.bilibili.com/sub';

export interface BilibiliSourceOptions {
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
  /** Reconnect delays; default SOURCE_RECONNECT_BACKOFF (1 s doubling to 60 s). */
  backoff?: Partial<BackoffPolicy>;
  logger: Logger;
  nowMs?: () => number;
}

const HEARTBEAT_BODY = '[object Object]';

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
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
  const nowMs = options.nowMs ?? Date.now;
  const log = options.logger.child({ source: 'bilibili', roomId: options.roomId });

  function connect(connection: SourceConnection): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(options.url ?? BILIBILI_DANMAKU_URL, { maxPayload: MAX_FRAME_BYTES });
      let seq = 0;
      let failure: Error | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      const send = (operation: number, body: string): void => {
        seq += 1;
        if (ws.readyState === WebSocket.OPEN) ws.send(encodePacket(operation, body, seq));
      };
      const terminate = (): void => ws.terminate();
      connection.signal.addEventListener('abort', terminate, { once: true });

      const onAuthReply = (packet: Packet): void => {
        let code: unknown;
        try {
          code = (JSON.parse(packet.body.toString('utf8')) as { code?: unknown }).code;
        } catch {
          code = 'unparsable reply';
        }
        if (code !== 0) {
          failure = new SourceError('bilibili_auth_failed', `Bilibili refused the auth packet (code ${String(code)})`);
          ws.close();
          return;
        }
        connection.connected();
        send(Operation.heartbeat, HEARTBEAT_BODY);
        heartbeat = setInterval(() => send(Operation.heartbeat, HEARTBEAT_BODY), heartbeatIntervalMs);
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
          for (const event of toSourceEvents(body, { triggers, anchorUid: options.anchorUid, receivedAtMs: nowMs() })) {
            connection.emit(event);
          }
        } catch (error) {
          // One odd command from the server must never take the relay down.
          log.warn({ err: (error as Error).message }, 'bilibili: skipped a command that could not be read');
        }
      };

      ws.on('open', () => send(Operation.auth, authBody(options)));
      ws.on('message', (data: WebSocket.RawData) => {
        connection.alive();
        let packets: Packet[];
        try {
          packets = decodePackets(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
        } catch (error) {
          log.warn({ error: (error as Error).message }, 'bilibili: skipped a malformed frame');
          return;
        }
        for (const packet of packets) {
          if (packet.operation === Operation.authReply) onAuthReply(packet);
          else if (packet.operation === Operation.command) onCommand(packet);
        }
      });
      ws.on('error', (error) => {
        failure ??= error;
      });
      ws.on('close', () => {
        clearInterval(heartbeat);
        connection.signal.removeEventListener('abort', terminate);
        if (failure) reject(failure);
        else resolve();
      });
    });
  }

  return createReconnectingSource({
    name: 'bilibili',
    connect,
    logger: options.logger,
    idleTimeoutMs: heartbeatIntervalMs * 2,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
  });
}
