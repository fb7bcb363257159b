/**
 * A headless overlay that records everything the relay sends (with arrival times) and acks
 * like the real page: utterances play one after another in arrival order; `playback:start`
 * goes out when the head utterance's first audio chunk arrived (`startOn: 'first-chunk'`,
 * what the page does once its jitter buffer schedules the first sample) or once it fully
 * arrived (`startOn: 'end'`); `playback:end` after `utterance:end` and at least `playbackMs`
 * of "playing". A cancelled utterance is dropped without an ack, as the page does.
 */
import { io, type Socket } from 'socket.io-client';
import { relayClientOptions } from './relay-client.ts';
import type {
  OverlayClientToServer,
  OverlayServerToClient,
  SubtitleLineEvent,
  UtteranceStartEvent,
} from '../../server/src/core/protocol.ts';

export interface StartRecord extends UtteranceStartEvent {
  /** performance.now() when it arrived. */
  atMs: number;
}

export interface RecordingOverlayOptions {
  /** Default 'end'. */
  startOn?: 'first-chunk' | 'end';
  /** Minimum "play" time of each utterance. Default 20 ms. */
  playbackMs?: number;
}

type OverlaySocket = Socket<OverlayServerToClient, OverlayClientToServer>;

interface Playing {
  id: string;
  firstChunk: boolean;
  ended: boolean;
  startedAtMs?: number;
  timer?: NodeJS.Timeout;
}

export class RecordingOverlay {
  readonly starts: StartRecord[] = [];
  /** id → performance.now() of its first audio chunk. */
  readonly firstChunkAtMs = new Map<string, number>();
  readonly ends: { id: string; durationMs: number; atMs: number }[] = [];
  readonly cancels: { id: string; reason: string; atMs: number }[] = [];
  readonly lines: (SubtitleLineEvent & { atMs: number })[] = [];
  /** playback:start sent, in order. */
  readonly played: string[] = [];
  private readonly socket: OverlaySocket;
  private readonly line: Playing[] = [];
  private readonly startOn: 'first-chunk' | 'end';
  private readonly playbackMs: number;
  private readonly waiters = new Set<() => void>();

  constructor(url: string, key: string, options: RecordingOverlayOptions = {}) {
    this.startOn = options.startOn ?? 'end';
    this.playbackMs = options.playbackMs ?? 20;
    this.socket = io(`${url}/overlay`, { ...relayClientOptions({ key }), transports: ['websocket'], reconnection: false, forceNew: true });
    const s = this.socket;
    s.on('connect', () => s.emit('overlay:hello', { version: 'recording-overlay' }));
    s.on('utterance:start', (e) => {
      this.starts.push({ ...e, atMs: performance.now() });
      this.line.push({ id: e.id, firstChunk: false, ended: false });
      this.changed();
    });
    s.on('audio:chunk', (e) => {
      if (!this.firstChunkAtMs.has(e.id)) this.firstChunkAtMs.set(e.id, performance.now());
      const u = this.line.find((p) => p.id === e.id);
      if (u) u.firstChunk = true;
      this.changed();
    });
    s.on('utterance:end', (e) => {
      this.ends.push({ id: e.id, durationMs: e.durationMs, atMs: performance.now() });
      const u = this.line.find((p) => p.id === e.id);
      if (u) u.ended = true;
      this.changed();
    });
    s.on('utterance:cancel', (e) => {
      this.cancels.push({ id: e.id, reason: e.reason, atMs: performance.now() });
      const i = this.line.findIndex((p) => p.id === e.id);
      if (i >= 0) {
        clearTimeout(this.line[i]!.timer);
        this.line.splice(i, 1);
      }
      this.changed();
    });
    s.on('subtitle:line', (e) => {
      this.lines.push({ ...e, atMs: performance.now() });
      this.changed();
    });
  }

  /** Resolves once connected (rejects on a refused key). */
  connected(timeoutMs = 10_000): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('recording overlay did not connect')), timeoutMs);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Resolves with the first recorded start matching `match` (also one already recorded). */
  waitForStart(match: (s: StartRecord) => boolean, timeoutMs = 10_000): Promise<StartRecord> {
    return this.waitFor(() => this.starts.find(match), timeoutMs, 'no matching utterance:start');
  }

  /** Resolves with the first value `probe` returns that is not undefined, re-checked on every event. */
  waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000, what = 'condition not met'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value === undefined) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`recording overlay: ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      if (!check()) this.waiters.add(check);
    });
  }

  close(): void {
    for (const p of this.line) clearTimeout(p.timer);
    this.line.length = 0;
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private changed(): void {
    this.advance();
    for (const check of [...this.waiters]) check();
  }

  /** Plays the head of the line: start ack when it is ready, end ack after it ended and played long enough. */
  private advance(): void {
    const head = this.line[0];
    if (!head || !this.socket.connected) return;
    if (head.startedAtMs === undefined) {
      if (!(this.startOn === 'first-chunk' ? head.firstChunk || head.ended : head.ended)) return;
      head.startedAtMs = performance.now();
      this.played.push(head.id);
      this.socket.emit('playback:start', { id: head.id, atMs: Date.now() });
    }
    if (head.ended && head.timer === undefined) {
      const remainingMs = Math.max(0, head.startedAtMs + this.playbackMs - performance.now());
      head.timer = setTimeout(() => {
        if (this.line[0] !== head) return;
        this.line.shift();
        if (this.socket.connected) this.socket.emit('playback:end', { id: head.id });
        this.changed();
      }, remainingMs);
    }
  }
}
