/**
 * A chat source over one client WebSocket, kept connected: the lifecycle every socket
 * source shares (open, keepalive heartbeat, idle drop at two silent heartbeat intervals,
 * failure tracking, backoff and reconnect, stop, status). A plugin supplies only its
 * protocol: the URL, what it sends on open, how it reads a message, what a heartbeat sends.
 */
import WebSocket from 'ws';
import type { Logger } from './logger.ts';
import { createReconnectingSource, type SourceConnection } from './reconnecting-source.ts';
import type { BackoffPolicy } from './engine-kit/backoff.ts';
import type { CaptionSource, SourceEvent } from './source.ts';
import type { CaptionSourceName } from './types.ts';

/** Largest WebSocket frame accepted from a chat server (real ones are a few KiB; protocols cap lines further). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** What a protocol can do with its connection. */
export interface WebSocketLink {
  /** Sends when the socket is open; dropped otherwise. */
  send(data: string | Buffer): void;
  /**
   * Logged in / joined: status turns connected, backoff resets, the heartbeat starts (every
   * `heartbeatIntervalMs` when the server gave a shorter period than the protocol's).
   */
  connected(heartbeatIntervalMs?: number): void;
  emit(event: SourceEvent): void;
  /** Closes the connection (a reconnect follows); with `failure`, the attempt failed with it (lastError). */
  close(failure?: Error): void;
}

/** One connection's protocol state, made when its socket opens. */
export interface WebSocketSession {
  /** One WebSocket message from the server. */
  onMessage(data: Buffer): void;
  /** Sends one keepalive; called every heartbeatIntervalMs once connected. */
  heartbeat(): void;
}

export interface WebSocketProtocol {
  readonly url: string;
  /** Keepalive period; a connection that receives nothing for two periods is dropped. */
  readonly heartbeatIntervalMs: number;
  /** The socket opened: send what the server expects first (auth, login). */
  open(link: WebSocketLink): WebSocketSession;
}

/** What every socket source's options share. */
export interface SocketSourceOptions {
  /** Reconnect delays; default SOURCE_RECONNECT_BACKOFF (1 s doubling to 60 s). */
  backoff?: Partial<BackoffPolicy>;
  logger: Logger;
  nowMs?: () => number;
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** One connection's lifetime: resolves when it closed, rejects with why it failed. */
function runConnection(protocol: WebSocketProtocol, connection: SourceConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(protocol.url, { maxPayload: MAX_FRAME_BYTES });
    let failure: Error | undefined;
    let session: WebSocketSession | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    const terminate = (): void => ws.terminate();
    connection.signal.addEventListener('abort', terminate, { once: true });
    const link: WebSocketLink = {
      send(data) {
        if (ws.readyState === WebSocket.OPEN) ws.send(data);
      },
      connected(heartbeatIntervalMs) {
        connection.connected();
        clearInterval(heartbeat);
        const periodMs = Math.min(heartbeatIntervalMs ?? protocol.heartbeatIntervalMs, protocol.heartbeatIntervalMs);
        heartbeat = setInterval(() => session?.heartbeat(), periodMs);
      },
      emit: (event) => connection.emit(event),
      close(error) {
        failure ??= error;
        ws.close();
      },
    };

    ws.on('open', () => {
      session = protocol.open(link);
    });
    ws.on('message', (data: WebSocket.RawData) => {
      connection.alive();
      session?.onMessage(toBuffer(data));
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

export function createWebSocketSource(
  name: CaptionSourceName,
  protocol: WebSocketProtocol,
  options: SocketSourceOptions,
): CaptionSource {
  return createReconnectingSource({
    name,
    connect: (connection) => runConnection(protocol, connection),
    logger: options.logger,
    idleTimeoutMs: protocol.heartbeatIntervalMs * 2,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
  });
}
