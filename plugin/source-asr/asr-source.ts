/**
 * The ASR source: external feeds connect to `WS /ingest/asr?token=…` (or
 * `Authorization: Bearer …`) and send JSON lines `{text, final, lang?}`. Every partial and
 * final becomes a `subtitle` event (the overlay's live line, no TTS); with `voiceFinals` a
 * final is also a 'chat' caption. Bad lines are answered on the socket with
 * `{error: {code, message}}` and logged.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Subject } from 'rxjs';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { RelayError } from '../../server/src/core/errors.ts';
import { TokenBucket } from '../../server/src/core/engine-kit/token-bucket.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import { MinuteRate, type CaptionSource, type ChatRole, type SourceEvent } from '../../server/src/core/source.ts';
import { parseAsrLine, type AsrLine } from './asr-line.ts';
import { IngestGate } from './ingest-upgrade.ts';

export const ASR_INGEST_PATH = '/ingest/asr';

export interface AsrSourceOptions {
  token: string;
  logger: Logger;
  /** Longest accepted line; default 4096 bytes. A frame may hold up to 16 lines. */
  maxLineBytes?: number;
  /** Also voice finished sentences (as 'chat' captions), not only show them. Default false. */
  voiceFinals?: boolean;
  /** Per-connection budget: sustained lines per second (default 20) and burst (default 40). */
  linesPerSecond?: number;
  burstLines?: number;
  /** Who the captions are attributed to; default 'streamer'. */
  user?: string;
  nowMs?: () => number;
}

/** Lines over the rate budget within one second that get the feed closed with 1008 (a flood, not a burst). */
export const FLOOD_LINES_PER_S_BEFORE_CLOSE = 500;

/**
 * Takes upgrades on ASR_INGEST_PATH while started (401 for a bad token, 503 while stopped);
 * status().connected = at least one feed is connected.
 */
export function createAsrSource(options: AsrSourceOptions): CaptionSource {
  const maxLineBytes = options.maxLineBytes ?? 4096;
  const nowMs = options.nowMs ?? Date.now;
  const user = options.user ?? 'streamer';
  const log = options.logger.child({ source: 'asr' });
  const gate = new IngestGate(options.token, 'an ASR feed', log);
  const events$ = new Subject<SourceEvent>();
  const rate = new MinuteRate(nowMs);
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxLineBytes * 16 });
  let lastError: string | undefined;
  let accepting = false;

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
      if (parsed.final) {
        segment += 1;
        if (text === '') return;
      }
      rate.record();
      events$.next({ type: 'subtitle', source: 'asr', messageId, text, final: parsed.final, ...lang, receivedAtMs });
      if (parsed.final && options.voiceFinals) {
        const roles: ChatRole[] = ['broadcaster', 'viewer'];
        events$.next({ type: 'caption', kind: 'chat', text, user, roles, messageId, source: 'asr', ...lang, receivedAtMs });
      }
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
    name: 'asr',
    events$: events$.asObservable(),
    upgrade: {
      path: ASR_INGEST_PATH,
      handleUpgrade(req, socket, head) {
        if (!gate.admit(req, socket, accepting)) return;
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      },
    },
    status: () => ({
      connected: wss.clients.size > 0,
      messagesPerMin: rate.perMinute(),
      ...(lastError === undefined ? {} : { lastError }),
    }),
    start() {
      accepting = true;
    },
    async stop() {
      accepting = false;
      const closed = [...wss.clients].map((ws) => once(ws, 'close'));
      for (const ws of wss.clients) ws.terminate();
      await Promise.all(closed);
    },
  };
}
