/**
 * WebSocket ingest for an external ASR feed: `WS /ingest/asr?token=…` (or
 * `Authorization: Bearer …`), JSON lines `{text, final, lang?}`. Partials become
 * `partial` events (the overlay updates its subtitle line in place, no TTS); finals become
 * captions: kind 'asr-final' (subtitle only) unless `voiceFinals`, then kind 'chat'.
 * Bad lines are answered on the socket with `{error: {code, message}}` and logged.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Subject, type Observable } from 'rxjs';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AuthError, RelayError } from '../../server/src/core/errors.ts';
import { TokenBucket } from '../../server/src/core/engine-kit/token-bucket.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import { MinuteRate, type SourceEvent, type SourceStatus } from '../../server/src/core/source.ts';
import { parseAsrLine, type AsrLine } from './asr-line.ts';
import { sameOriginOrNone } from '../../server/src/core/same-origin.ts';

export const ASR_INGEST_PATH = '/ingest/asr';

export interface AsrIngestOptions {
  token: string;
  logger: Logger;
  /** Longest accepted line; default 4096 bytes. A frame may hold up to 16 lines. */
  maxLineBytes?: number;
  /** Voice finished sentences (kind 'chat') instead of showing them only (kind 'asr-final'). Default false. */
  voiceFinals?: boolean;
  /** Per-connection budget: sustained lines per second (default 20) and burst (default 40). */
  linesPerSecond?: number;
  burstLines?: number;
  /** Who the captions are attributed to; default 'streamer'. */
  user?: string;
  nowMs?: () => number;
}

export interface AsrIngest {
  /** Partials and final captions of every connected feed. Completes on close(). */
  readonly events$: Observable<SourceEvent>;
  /**
   * Takes an HTTP upgrade for ASR_INGEST_PATH (answering 401 to a bad token) and returns
   * true; returns false, touching nothing, for any other path.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** connected = at least one feed is connected. */
  status(): SourceStatus;
  close(): Promise<void>;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const bearer = /^Bearer (.+)$/iu.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? url.searchParams.get('token') ?? undefined;
}


/** Lines over the rate budget within one second that get the feed closed with 1008 (a flood, not a burst). */
export const FLOOD_LINES_PER_S_BEFORE_CLOSE = 500;

function refuse(socket: Duplex, error: RelayError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  socket.end(
    `HTTP/1.1 ${error.httpStatus} ${STATUS_CODES[error.httpStatus] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function createAsrIngest(options: AsrIngestOptions): AsrIngest {
  const maxLineBytes = options.maxLineBytes ?? 4096;
  const nowMs = options.nowMs ?? Date.now;
  const user = options.user ?? 'streamer';
  const log = options.logger.child({ source: 'asr' });
  const expected = digest(options.token);
  const events$ = new Subject<SourceEvent>();
  const rate = new MinuteRate(nowMs);
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxLineBytes * 16 });
  let lastError: string | undefined;

  const emit = (event: SourceEvent): void => {
    rate.record();
    events$.next(event);
  };

  const reject = (ws: WebSocket, connection: string, error: RelayError): void => {
    lastError = `${error.code}: ${error.message}`;
    log.warn({ connection, code: error.code }, `asr: rejected a line: ${error.message}`);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ error: { code: error.code, message: error.message } }));
  };

  wss.on('connection', (ws: WebSocket) => {
    const connection = randomUUID().slice(0, 8);
    const budget = new TokenBucket(options.linesPerSecond ?? 20, options.burstLines ?? 40, nowMs);
    let segment = 0;
    let rateLimitToldAtMs = -Infinity;
    let dropWindowStartMs = -Infinity;
    let droppedInWindow = 0;
    let closedForFlood = false;
    log.info({ connection }, 'asr feed connected');

    const onLine = (line: string): void => {
      if (closedForFlood) return;
      if (!budget.tryTake()) {
        if (nowMs() - dropWindowStartMs >= 1000) {
          dropWindowStartMs = nowMs();
          droppedInWindow = 0;
        }
        droppedInWindow += 1;
        if (droppedInWindow >= FLOOD_LINES_PER_S_BEFORE_CLOSE) {
          closedForFlood = true;
          lastError = 'flood: connection closed';
          log.warn({ connection }, 'asr: closed a feed that kept sending far over its rate budget');
          ws.close(1008, 'too many lines');
          return;
        }
        if (nowMs() - rateLimitToldAtMs >= 1000) {
          rateLimitToldAtMs = nowMs();
          reject(ws, connection, new RelayError('rate_limited', 'too many lines; slow down', 429));
        }
        return;
      }
      let parsed: AsrLine;
      try {
        parsed = parseAsrLine(line, maxLineBytes);
      } catch (error) {
        reject(ws, connection, error instanceof RelayError ? error : new RelayError('invalid_line', String(error), 400));
        return;
      }
      const text = parsed.text;
      const messageId = `asr-${connection}-${segment}`;
      const lang = parsed.lang === undefined ? {} : { lang: parsed.lang };
      const receivedAtMs = nowMs();
      if (!parsed.final) {
        emit({ type: 'partial', source: 'asr', messageId, text, ...lang, receivedAtMs });
        return;
      }
      segment += 1;
      if (text === '') return;
      emit({
        type: 'caption',
        kind: options.voiceFinals ? 'chat' : 'asr-final',
        text,
        user,
        roles: ['broadcaster', 'viewer'],
        messageId,
        source: 'asr',
        ...lang,
        receivedAtMs,
      });
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        reject(ws, connection, new RelayError('binary_frame', 'send JSON text lines, not binary frames', 400));
        return;
      }
      for (const line of data.toString().split('\n')) {
        if (line.trim() !== '') onLine(line);
      }
    });
    ws.on('error', (error) => {
      lastError = error.message;
      log.warn({ connection, error: error.message }, 'asr feed socket error');
    });
    ws.on('close', () => log.info({ connection }, 'asr feed disconnected'));
  });

  return {
    events$: events$.asObservable(),
    handleUpgrade(req, socket, head) {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://relay.invalid');
      } catch {
        return false;
      }
      if (url.pathname !== ASR_INGEST_PATH) return false;
      if (!sameOriginOrNone(req)) {
        log.warn({ remote: req.socket.remoteAddress }, 'asr: refused an upgrade from a page of another origin');
        refuse(socket, new RelayError('forbidden_origin', 'cross-origin pages may not open an ASR feed', 403));
        return true;
      }
      const token = presentedToken(req, url);
      if (token === undefined || !timingSafeEqual(digest(token), expected)) {
        log.warn({ remote: req.socket.remoteAddress }, 'asr: refused an upgrade with a missing or wrong token');
        refuse(socket, new AuthError());
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return true;
    },
    status: () => ({
      connected: wss.clients.size > 0,
      messagesPerMin: rate.perMinute(),
      ...(lastError === undefined ? {} : { lastError }),
    }),
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      events$.complete();
    },
  };
}
