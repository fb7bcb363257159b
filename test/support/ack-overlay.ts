/**
 * A headless overlay for tests: a socket.io client on `/overlay` that "plays" utterances one
 * after another like the real page does: once an utterance has fully arrived
 * (`utterance:end`) it waits for its turn, sends `playback:start`, "plays" for `playbackMs`
 * and sends `playback:end`. A short `playbackMs` stands in for real audio: it keeps the ack
 * rate like a real overlay's (one utterance at a time, under the relay's per-socket limit
 * on overlay messages) while letting the queue drain fast.
 *
 * It outlives the relay it talks to: `connect(url, key)` again after a restart (new port)
 * keeps every record, and socket.io's own reconnection covers drops while the relay stays
 * up. Records carry the connection generation they happened in, so a test can ask what
 * started after a restart.
 */
import { io, type Socket } from 'socket.io-client';
import type { OverlayClientToServer, OverlayServerToClient } from '../../server/src/core/protocol.ts';
import { relayClientOptions } from './relay-client.ts';

export interface SeenEvent {
  id: string;
  /** Which connect() call this happened under (1 = the first). */
  generation: number;
}

export interface AckOverlayOptions {
  /** How long each utterance "plays" (playback:start → playback:end). Default 60 ms. */
  playbackMs?: number;
}

type OverlaySocket = Socket<OverlayServerToClient, OverlayClientToServer>;

export class AckOverlay {
  /** utterance:start, in arrival order (an id may repeat: a replay after a reconnect or restart). */
  readonly starts: SeenEvent[] = [];
  /** utterance:end, in arrival order. */
  readonly ends: SeenEvent[] = [];
  readonly cancels: (SeenEvent & { reason: string })[] = [];
  /** playback:end sent (on a connected socket; whether the relay committed it is the relay's business). */
  readonly acks: SeenEvent[] = [];
  generation = 0;
  private socket?: OverlaySocket;
  private readonly playbackMs: number;
  /** Arrived, waiting for their turn to play (this connection only). */
  private waiting: string[] = [];
  private playing?: { id: string; timer: NodeJS.Timeout };

  constructor(options: AckOverlayOptions = {}) {
    this.playbackMs = options.playbackMs ?? 60;
  }

  /** Connects (closing any previous connection) and resolves once the relay accepted it. */
  async connect(url: string, key: string, timeoutMs = 10_000): Promise<void> {
    this.disconnect();
    const generation = ++this.generation;
    const socket: OverlaySocket = io(`${url}/overlay`, {
      ...relayClientOptions({ key }),
      transports: ['websocket'],
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    this.socket = socket;
    socket.on('utterance:start', (e) => this.starts.push({ id: e.id, generation }));
    socket.on('utterance:end', (e) => {
      this.ends.push({ id: e.id, generation });
      // A replay after a reconnect repeats the end of what is playing or waiting: play it once.
      if (this.playing?.id !== e.id && !this.waiting.includes(e.id)) this.waiting.push(e.id);
      this.playNext();
    });
    socket.on('utterance:cancel', (e) => {
      this.cancels.push({ id: e.id, reason: e.reason, generation });
      this.waiting = this.waiting.filter((id) => id !== e.id);
      if (this.playing?.id === e.id) {
        clearTimeout(this.playing.timer);
        this.playing = undefined;
        this.playNext();
      }
    });
    socket.on('connect', () => socket.emit('overlay:hello', { version: 'ack-overlay' }));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.off('connect', onConnect);
        reject(new Error(`overlay did not connect to ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('connect', onConnect);
      // A refused key is final; anything else (relay not up yet) is retried by socket.io.
      socket.on('connect_error', (err) => {
        if (err.message !== 'unauthorized') return;
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Ids seen in utterance:start during the connection generations `which` accepts. */
  startedIn(which: (generation: number) => boolean): Set<string> {
    return new Set(this.starts.filter((s) => which(s.generation)).map((s) => s.id));
  }

  /** How many times `id` appears in `events` during the generations `which` accepts. */
  static count(events: readonly SeenEvent[], id: string, which: (generation: number) => boolean = () => true): number {
    return events.filter((e) => e.id === id && which(e.generation)).length;
  }

  disconnect(): void {
    if (this.playing) clearTimeout(this.playing.timer);
    this.playing = undefined;
    this.waiting = [];
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
  }

  private playNext(): void {
    const socket = this.socket;
    if (this.playing || !socket) return;
    const id = this.waiting.shift();
    if (id === undefined) return;
    const generation = this.generation;
    socket.emit('playback:start', { id, atMs: Date.now() });
    const timer = setTimeout(() => {
      this.playing = undefined;
      // That relay is gone (killed): the ack is not sent, as a real overlay's would be lost.
      if (this.socket === socket && socket.connected) {
        socket.emit('playback:end', { id });
        this.acks.push({ id, generation });
      }
      this.playNext();
    }, this.playbackMs);
    this.playing = { id, timer };
  }
}
