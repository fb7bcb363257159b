/**
 * A stand-alone fake of the relay's overlay side, for browser tests of overlay/dist:
 * - serves the built pages with the relay's URL layout (GET /overlay, GET /panel, /static/*),
 * - runs Socket.IO namespace `/overlay` in the relay's wire protocol (handshake auth {key, protocol},
 *   refused with 'unauthorized' or the protocol error),
 * - emits the real protocol (server/src/core/protocol.ts) with synthetic sine-wave PCM,
 * - records what overlays send back (overlay:hello, playback:start, playback:end).
 * Listens on 127.0.0.1 port 0.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, type Namespace } from 'socket.io';
import { msToSamples, samplesToMs } from '../../server/src/core/clock.ts';
import { wireParser } from '../../server/src/core/wire-format.ts';
import { requireWireProtocol } from '../../server/src/gateway/wire-protocol.ts';
import type {
  OverlayClientToServer,
  OverlayServerToClient,
  UtteranceStartEvent,
} from '../../server/src/core/protocol.ts';
import type { TimedWord } from '../../server/src/core/types.ts';

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../overlay/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export type FeedEventType = keyof OverlayClientToServer;

export interface FeedEvent {
  type: FeedEventType;
  data: { id?: string; atMs?: number; version?: string };
  /** Date.now() when the feed received it. */
  receivedAtMs: number;
  socketId: string;
}

export interface SyntheticUtterance {
  id: string;
  text: string;
  user: string;
  sampleRateHz: number;
  /** pcm_s16le mono, contiguous. */
  chunks: Buffer[];
  words: TimedWord[];
}

export interface SendOptions {
  /** Delay between chunks (0 = burst, faster than real time like a TTS engine). */
  paceMs?: number;
  /** Emit utterance:end after the last chunk (default true). */
  end?: boolean;
  /** Split cues into this many `cue` events spread over the chunks (default 2). */
  cueBatches?: number;
}

export interface OverlayFeed {
  readonly url: string;
  readonly key: string;
  readonly events: FeedEvent[];
  readonly overlay: Namespace<OverlayClientToServer, OverlayServerToClient>;
  overlayUrl(params?: Record<string, string>): string;
  connectedCount(): number;
  /** Broadcast one protocol event to every connected overlay. */
  emit<E extends keyof OverlayServerToClient>(event: E, ...args: Parameters<OverlayServerToClient[E]>): void;
  /** utterance:start, cues, chunks (optionally paced), utterance:end. */
  sendUtterance(u: SyntheticUtterance, opts?: SendOptions): Promise<void>;
  /** Re-emit some chunks of an utterance (as a server does after a reconnect). */
  resendChunks(u: SyntheticUtterance, seqs: readonly number[]): void;
  waitForEvent(pred: (e: FeedEvent) => boolean, timeoutMs?: number): Promise<FeedEvent>;
  eventsFor(id: string): FeedEvent[];
  close(): Promise<void>;
}

export interface FeedOptions {
  key?: string;
  distDir?: string;
}

export async function startOverlayFeed(opts: FeedOptions = {}): Promise<OverlayFeed> {
  const key = opts.key ?? 'test-overlay-key';
  const distDir = opts.distDir ?? DEFAULT_DIST_DIR;
  const events: FeedEvent[] = [];
  const waiters = new Set<() => void>();
  const record = (type: FeedEventType, data: unknown, socketId: string): void => {
    const d = (typeof data === 'object' && data !== null ? data : {}) as FeedEvent['data'];
    events.push({ type, data: d, receivedAtMs: Date.now(), socketId });
    for (const w of [...waiters]) w();
  };

  const http: HttpServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file: string | null = null;
    if (path === '/overlay') file = 'overlay.html';
    else if (path === '/panel') file = 'panel.html';
    else if (path.startsWith('/static/')) file = path.slice('/static/'.length);
    const full = file === null ? null : normalize(join(distDir, decodeURIComponent(file)));
    if (full === null || !full.startsWith(normalize(distDir + sep)) || !existsSync(full) || !statSync(full).isFile()) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }));
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(full)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(full));
  });

  const io = new Server(http, { serveClient: false, parser: wireParser });
  const overlay: Namespace<OverlayClientToServer, OverlayServerToClient> = io.of('/overlay');
  requireWireProtocol(overlay);
  overlay.use((socket, next) => {
    if (socket.handshake.auth?.key === key) next();
    else next(new Error('unauthorized'));
  });
  overlay.on('connection', (socket) => {
    socket.on('overlay:hello', (e) => record('overlay:hello', e, socket.id));
    socket.on('playback:start', (e) => record('playback:start', e, socket.id));
    socket.on('playback:end', (e) => record('playback:end', e, socket.id));
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const emit: OverlayFeed['emit'] = (event, ...args) => {
    (overlay.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
  };

  const emitChunk = (u: SyntheticUtterance, seq: number): void => {
    const offsetSamples = u.chunks.slice(0, seq).reduce((n, c) => n + c.length / 2, 0);
    const pcm = u.chunks[seq]!;
    emit('audio:chunk', {
      id: u.id,
      seq,
      pcm,
      offsetMs: samplesToMs(offsetSamples, u.sampleRateHz),
      durationMs: samplesToMs(pcm.length / 2, u.sampleRateHz),
    });
  };

  return {
    url,
    key,
    events,
    overlay,
    overlayUrl: (params = {}) => `${url}/overlay?${new URLSearchParams({ key, ...params })}`,
    connectedCount: () => overlay.sockets.size,
    emit,
    async sendUtterance(u, o = {}) {
      const { paceMs = 0, end = true, cueBatches = 2 } = o;
      const start: UtteranceStartEvent = {
        id: u.id,
        text: u.text,
        user: u.user,
        sampleRateHz: u.sampleRateHz,
        channels: 1,
        format: 'pcm_s16le',
      };
      emit('utterance:start', start);
      const batches = Math.max(1, Math.min(cueBatches, u.words.length || 1));
      const perBatch = Math.ceil(u.words.length / batches);
      const cueAt = new Map<number, TimedWord[]>();
      for (let b = 0; b < batches; b++) {
        const words = u.words.slice(b * perBatch, (b + 1) * perBatch);
        if (words.length) cueAt.set(Math.floor((b * u.chunks.length) / batches), words);
      }
      for (let seq = 0; seq < u.chunks.length; seq++) {
        const words = cueAt.get(seq);
        if (words) emit('cue', { id: u.id, words });
        emitChunk(u, seq);
        if (paceMs > 0 && seq < u.chunks.length - 1) await sleep(paceMs);
      }
      if (end) {
        const totalSamples = u.chunks.reduce((n, c) => n + c.length / 2, 0);
        emit('utterance:end', { id: u.id, durationMs: samplesToMs(totalSamples, u.sampleRateHz) });
      }
    },
    resendChunks(u, seqs) {
      for (const seq of seqs) emitChunk(u, seq);
    },
    waitForEvent(pred, timeoutMs = 10_000) {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const e = events.find(pred);
          if (!e) return;
          cleanup();
          resolve(e);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`overlay feed: no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((x) => [x.type, x.data.id]))}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    eventsFor: (id) => events.filter((e) => e.data.id === id),
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

/** Signed 16-bit LE mono sine wave, `samples` long, continuing from sample index `from` (phase-continuous). */
export function sinePcm(sampleRateHz: number, samples: number, freqHz = 440, amplitude = 0.3, from = 0): Buffer {
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const v = Math.sin((2 * Math.PI * freqHz * (from + i)) / sampleRateHz) * amplitude;
    buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), i * 2);
  }
  return buf;
}

/** Words spread evenly over `totalMs`. */
export function evenWords(texts: readonly string[], totalMs: number): TimedWord[] {
  const step = totalMs / texts.length;
  return texts.map((text, i) => ({ text, startMs: Math.round(i * step), endMs: Math.round((i + 1) * step) }));
}

export interface SineUtteranceOptions {
  id: string;
  text: string;
  /** Word texts (timed evenly over the audio); default: the text split on spaces. */
  words?: readonly string[];
  user?: string;
  sampleRateHz?: number;
  chunkMs?: number;
  chunks?: number;
  freqHz?: number;
  amplitude?: number;
}

export function sineUtterance(o: SineUtteranceOptions): SyntheticUtterance {
  const sampleRateHz = o.sampleRateHz ?? 22050;
  const chunkSamples = msToSamples(o.chunkMs ?? 100, sampleRateHz);
  const n = o.chunks ?? 10;
  const chunks: Buffer[] = [];
  for (let i = 0; i < n; i++) chunks.push(sinePcm(sampleRateHz, chunkSamples, o.freqHz ?? 440, o.amplitude ?? 0.3, i * chunkSamples));
  const totalMs = samplesToMs(chunkSamples * n, sampleRateHz);
  const words = o.words ?? o.text.split(/\s+/).filter(Boolean);
  return { id: o.id, text: o.text, user: o.user ?? 'tester', sampleRateHz, chunks, words: evenWords(words, totalMs) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
