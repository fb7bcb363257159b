import { createServer, STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Observable } from 'rxjs';
import { Counter, Registry } from 'prom-client';
import { Server, type Namespace, type ServerOptions } from 'socket.io';
import { ListenError } from '../core/errors.ts';
import { sameOriginOrNone } from '../core/same-origin.ts';
import { wireParser } from '../core/wire-format.ts';
import type { Logger } from '../core/logger.ts';
import type { CaptionSink } from '../core/sink.ts';
import { TokenBucket } from '../core/engine-kit/token-bucket.ts';
import { createApp } from './app.ts';
import { attachOverlayNamespace } from './overlay-namespace.ts';
import { attachPanelNamespace } from './panel-namespace.ts';
import type { PanelPort } from './panel-port.ts';
import type { HistoryFormatter, RelayPort, SpeechPort, VoicesPort } from './ports.ts';
import { requireWireProtocol } from './wire-protocol.ts';

export interface GatewayOptions {
  relay: RelayPort;
  /** The voice library behind /api/voices. */
  voices: VoicesPort;
  /** GET /api/history bodies (JSON, SRT, WebVTT): the history module's formatter. */
  formatHistory: HistoryFormatter;
  /** The recognized voice: speech log and recognition status. */
  speech: SpeechPort;
  /** The control panel's backend (health, stats, settings, bans, voice test, OBS). */
  panel: PanelPort;
  /** The overlay style stored by the panel, pushed to overlays as `overlay:style`. */
  overlayStyle$?: Observable<Record<string, string>>;
  token: string;
  overlayKey: string;
  webDir: string;
  host: string;
  port: number;
  maxInFlight: number;
  log: Logger;
  /** Extra WebSocket endpoints (e.g. /ingest/asr), by path. */
  upgrades?: Record<string, (req: import('node:http').IncomingMessage, socket: Duplex, head: Buffer) => void>;
  /** HTTP streams (an ingest endpoint's POST body as the feed), by exact path, taken before the app. */
  streams?: Record<string, StreamHandler>;
  /** A cross-process Socket.IO adapter (Redis): overlays and panels may attach to any process. */
  adapter?: ServerOptions['adapter'];
}

export interface Gateway {
  /** Real address after listen (port 0 → the picked port). */
  url: string;
  overlayUrl: string;
  panelUrl: string;
  overlaysConnected(): number;
  /** The connected overlays, as a sink of the relay's feed. */
  overlays: CaptionSink;
  close(): Promise<void>;
}

/** The overlay page with its key, relative to the relay's origin. */
function overlayPathFor(overlayKey: string): string {
  return `/overlay?key=${encodeURIComponent(overlayKey)}`;
}

/** The largest socket.io message accepted from a client (acks and panel commands are small). */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/**
 * Per socket (the panel adds a tighter budget for its commands): events a client may send per second
 * (sustained, burst) before the gateway drops them, and how many dropped events within one
 * second get the socket disconnected (a flood, not a burst).
 */
export const SOCKET_EVENTS_PER_S = 100;
export const SOCKET_EVENTS_BURST = 200;
export const SOCKET_FLOOD_REJECTS_PER_S = 500;


/** Malformed HTTP (headers too large, bad framing) still gets the `{error:{code,message}}` body. */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message]: [number, string, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? [408, 'request_timeout', 'request took too long to arrive']
        : [400, 'bad_request', 'malformed HTTP request'];
  socket.end(rawErrorResponse(status, code, message));
}

/** A whole HTTP/1.1 error answer for a socket that has no express response. */
export function rawErrorResponse(status: number, code: string, message: string): string {
  const body = JSON.stringify({ error: { code, message } });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `X-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/**
 * Requests express would not route: a URL that does not parse (express then skips every
 * handler and answers an HTML page), or HTTP/1.1 without Host (Node's own check answers
 * with no body). Both get the JSON error here.
 */
function unroutable(req: IncomingMessage): string | undefined {
  if (req.httpVersion === '1.1' && req.headers.host === undefined) return 'HTTP/1.1 requests need a Host header';
  try {
    new URL(req.url ?? '', 'http://relay.invalid');
    return undefined;
  } catch {
    return 'the request URL does not parse';
  }
}

type RejectReason = 'unknown_event' | 'invalid_payload' | 'rate_limited' | 'flood_disconnect';

/**
 * Every incoming event of a namespace passes here first: events nobody listens to, payloads
 * that are not an object, and floods past SOCKET_EVENTS_PER_S are dropped and counted
 * (answered `{ok: false, error}` when the client asked for an ack); a socket with
 * SOCKET_FLOOD_REJECTS_PER_S dropped events within a second is disconnected.
 */
function guardEvents(ns: Namespace, rejected: Counter<'namespace' | 'reason'>, log: Logger): void {
  ns.on('connection', (socket) => {
    const budget = new TokenBucket(SOCKET_EVENTS_PER_S, SOCKET_EVENTS_BURST);
    let windowStartMs = -Infinity;
    let rejectedInWindow = 0;
    socket.use((packet, next) => {
      const [event, payload] = packet;
      const ack: unknown = packet.length > 1 ? packet[packet.length - 1] : undefined;
      const reason: RejectReason | undefined =
        typeof event !== 'string' || socket.listeners(event).length === 0
          ? 'unknown_event'
          : !budget.tryTake()
            ? 'rate_limited'
            : typeof payload !== 'object' || payload === null || Array.isArray(payload)
              ? 'invalid_payload'
              : undefined;
      if (reason === undefined) {
        // One payload and an optional ack per event: extra arguments would shift the ack out of
        // the place a handler expects it, and the client would wait for an answer forever.
        const hasAck = typeof ack === 'function';
        if (packet.length > (hasAck ? 3 : 2)) packet.splice(2, packet.length - (hasAck ? 3 : 2));
        return next();
      }
      rejected.inc({ namespace: ns.name, reason });
      if (typeof ack === 'function') {
        const message = reason === 'unknown_event' ? 'unknown event' : reason === 'rate_limited' ? 'too many events' : 'payload must be an object';
        (ack as (r: unknown) => void)({ ok: false, error: { code: reason === 'invalid_payload' ? 'invalid_body' : reason, message } });
      }
      const nowMs = Date.now();
      if (nowMs - windowStartMs >= 1000) {
        windowStartMs = nowMs;
        rejectedInWindow = 0;
      }
      rejectedInWindow += 1;
      if (rejectedInWindow === SOCKET_FLOOD_REJECTS_PER_S) {
        rejected.inc({ namespace: ns.name, reason: 'flood_disconnect' });
        log.warn({ namespace: ns.name, socket: socket.id, address: socket.handshake.address }, 'socket disconnected: too many rejected events');
        socket.disconnect(true);
      }
    });
  });
}

/** Takes a POST whose body is an ingest feed (see GatewayOptions.streams). */
type StreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The request's URL path ('' when it cannot be parsed). */
function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://relay.invalid').pathname;
  } catch {
    return '';
  }
}

/** How long a request still running at shutdown may take to be answered. */
const CLOSE_GRACE_MS = 1_000;

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { relay, log } = opts;
  const registry = new Registry();
  const rejected = new Counter({
    name: 'relay_socket_events_rejected_total',
    help: 'Socket.IO events from overlays/panels dropped by the gateway, by namespace and reason',
    labelNames: ['namespace', 'reason'] as const,
    registers: [registry],
  });
  const app = createApp({ relay, voices: opts.voices, formatHistory: opts.formatHistory, speech: opts.speech, token: opts.token, webDir: opts.webDir, log, extraMetrics: () => registry.metrics() });
  const http: HttpServer = createServer({ requireHostHeader: false }, (req, res) => {
    const problem = unroutable(req);
    if (problem === undefined) {
      const stream = streamFor(req);
      return stream ? stream(req, res) : app(req, res);
    }
    const body = JSON.stringify({ error: { code: 'bad_request', message: problem } });
    res.writeHead(400, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Content-Type-Options': 'nosniff',
      Connection: 'close',
    });
    res.end(body);
  });
  http.on('clientError', answerClientError);
  /** The ingest stream serving `req`'s path, if any (the URL parsed once, and only when there are streams). */
  function streamFor(req: IncomingMessage): StreamHandler | undefined {
    if (!opts.streams) return undefined;
    const path = pathOf(req);
    return Object.hasOwn(opts.streams, path) ? opts.streams[path] : undefined;
  }
  const io = new Server(http, {
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    parser: wireParser,
    cors: { origin: false },
    // Cross-origin pages are refused at the handshake (polling and WebSocket alike), not just left without CORS headers.
    allowRequest: (req, callback) => (sameOriginOrNone(req) ? callback(null, true) : callback('cross-origin request refused', false)),
    serveClient: false,
    // Other WebSocket endpoints (e.g. /ingest/asr) share this HTTP server: leave their upgrades alone.
    destroyUpgrade: false,
    ...(opts.adapter ? { adapter: opts.adapter } : {}),
  });
  // engine.io answers /socket.io/ requests before the express app: give those nosniff too.
  http.prependListener('request', (_req, res) => res.setHeader('X-Content-Type-Options', 'nosniff'));
  // Before the namespaces' own checks: a client of another wire protocol learns that first.
  requireWireProtocol(io.of('/overlay'));
  requireWireProtocol(io.of('/panel'));
  const overlay = attachOverlayNamespace(
    io,
    relay,
    opts.overlayKey,
    opts.maxInFlight,
    log.child({ ns: 'overlay' }),
    opts.overlayStyle$,
    opts.adapter !== undefined,
  );
  const panel = attachPanelNamespace(io, {
    relay,
    panel: opts.panel,
    overlays: overlay,
    token: opts.token,
    overlayPath: overlayPathFor(opts.overlayKey),
    log: log.child({ ns: 'panel' }),
    onRateLimited: () => rejected.inc({ namespace: '/panel', reason: 'rate_limited' }),
  });
  guardEvents(io.of('/overlay'), rejected, log.child({ ns: 'overlay' }));
  guardEvents(io.of('/panel'), rejected, log.child({ ns: 'panel' }));
  // socket.io takes upgrades under its own path; the extra endpoints take theirs; any other
  // upgrade is refused here (left alone it would hold the socket open forever).
  const socketIoPath = `${io.path().replace(/\/$/, '')}/`;
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = pathOf(req);
    if (pathname.startsWith(socketIoPath)) return;
    const handle = pathname === '' ? undefined : opts.upgrades?.[pathname];
    if (handle && Object.hasOwn(opts.upgrades!, pathname)) return handle(req, socket, head);
    socket.end(rawErrorResponse(404, 'not_found', 'no WebSocket endpoint here'));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', (err: Error) => {
      io.close();
      reject(new ListenError(err, opts.host, opts.port));
    });
    http.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    overlayUrl: `${url}${overlayPathFor(opts.overlayKey)}`,
    panelUrl: `${url}/panel#token=${encodeURIComponent(opts.token)}`,
    overlaysConnected: () => overlay.connectedCount(),
    overlays: overlay,
    async close() {
      overlay.close();
      panel.close();
      // io.close() closes the HTTP server, which waits for every connection to end: idle
      // keep-alive ones are closed now, requests still running (a POST waiting for its fsync)
      // get up to CLOSE_GRACE_MS to be answered before their connections are cut.
      const closed = new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeIdleConnections();
      const cut = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
    },
  };
}
