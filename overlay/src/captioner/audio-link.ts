/**
 * The captioner's connection to `WS /ingest/audio`: sends 100 ms PCM frames, reconnects
 * with backoff after a drop and resumes, and holds at most `maxBufferedFrames` while the
 * relay is unreachable (oldest audio dropped first, counted). Messages from the relay
 * (state, recognized lines, errors) go to `onMessage`.
 */
import type { AudioIngestMessage } from '../../../server/src/core/audio-ingest.ts';
import { AUDIO_INGEST_PATH } from '../../../server/src/core/audio-ingest.ts';
import { DropOldestQueue } from '../lib/drop-oldest-queue.ts';

export type LinkState = 'closed' | 'connecting' | 'open' | 'retrying';

export interface AudioLinkOptions {
  token: string;
  onState: (state: LinkState) => void;
  onMessage: (message: AudioIngestMessage) => void;
  /** Default 50 frames = 5 s of audio. */
  maxBufferedFrames?: number;
  /** A frame waits in the queue instead of the socket while the socket holds more than this. */
  maxSocketBufferedBytes?: number;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;

export class AudioLink {
  private ws: WebSocket | null = null;
  private readonly queue: DropOldestQueue<ArrayBuffer>;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private wanted = false;
  /** Frames handed to the socket, since start. */
  sentFrames = 0;

  constructor(private readonly opts: AudioLinkOptions) {
    this.queue = new DropOldestQueue(opts.maxBufferedFrames ?? 50);
  }

  get droppedFrames(): number {
    return this.queue.dropped;
  }

  start(): void {
    this.wanted = true;
    if (!this.ws) this.open();
  }

  stop(): void {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.queue.drain();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'stopped');
    this.opts.onState('closed');
  }

  send(frame: Int16Array): void {
    if (!this.wanted) return;
    this.queue.push(frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer);
    this.flush();
  }

  private flush(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const limit = this.opts.maxSocketBufferedBytes ?? 64 * 1024;
    const frames = this.queue.drain();
    let i = 0;
    for (; i < frames.length && ws.bufferedAmount <= limit; i++) {
      ws.send(frames[i]!);
      this.sentFrames++;
    }
    if (i < frames.length) this.queue.unshift(frames.slice(i));
  }

  private open(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${AUDIO_INGEST_PATH}?token=${encodeURIComponent(this.opts.token)}`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.opts.onState('connecting');
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.retryMs = RETRY_MIN_MS;
      this.opts.onState('open');
      this.flush();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      try {
        this.opts.onMessage(JSON.parse(ev.data) as AudioIngestMessage);
      } catch {
        // not JSON: ignored (the relay only sends JSON)
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.wanted) return;
      this.opts.onState('retrying');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (this.wanted && !this.ws) this.open();
      }, this.retryMs);
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    };
  }
}
