/**
 * A headless overlay for tests: a socket.io client on `/overlay` that "plays" each utterance
 * the moment it has fully arrived (on `utterance:end` it sends `playback:start` then
 * `playback:end` for that id) and records what it saw. It outlives the relay it talks to:
 * `connect(url, key)` again after a restart (new port) keeps every record, and socket.io's
 * own reconnection covers drops while the relay stays up. Records carry the connection
 * generation they happened in, so a test can ask what started after a restart.
 */
import { io, type Socket } from 'socket.io-client';
import type { OverlayClientToServer, OverlayServerToClient } from '../../server/src/core/protocol.ts';

export interface SeenEvent {
  id: string;
  /** Which connect() call this happened under (1 = the first). */
  generation: number;
}

export class AckOverlay {
  /** utterance:start, in arrival order (an id may repeat: a replay after a reconnect or restart). */
  readonly starts: SeenEvent[] = [];
  /** utterance:end, each answered with playback:start + playback:end. */
  readonly ends: SeenEvent[] = [];
  readonly cancels: (SeenEvent & { reason: string })[] = [];
  /** Ids this overlay sent playback:end for (whether or not the relay got it). */
  readonly acked = new Set<string>();
  generation = 0;
  private socket?: Socket<OverlayServerToClient, OverlayClientToServer>;

  /** Connects (closing any previous connection) and resolves once the relay accepted it. */
  async connect(url: string, key: string, timeoutMs = 10_000): Promise<void> {
    this.disconnect();
    const generation = ++this.generation;
    const socket: Socket<OverlayServerToClient, OverlayClientToServer> = io(`${url}/overlay`, {
      auth: { key },
      transports: ['websocket'],
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    this.socket = socket;
    socket.on('utterance:start', (e) => this.starts.push({ id: e.id, generation }));
    socket.on('utterance:cancel', (e) => this.cancels.push({ id: e.id, reason: e.reason, generation }));
    socket.on('utterance:end', (e) => {
      this.ends.push({ id: e.id, generation });
      socket.emit('playback:start', { id: e.id, atMs: Date.now() });
      socket.emit('playback:end', { id: e.id });
      this.acked.add(e.id);
    });
    socket.emit('overlay:hello', { version: 'ack-overlay' });
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

  /** Ids seen in utterance:start during the given connection generation(s). */
  startedIn(generations: (g: number) => boolean): Set<string> {
    return new Set(this.starts.filter((s) => generations(s.generation)).map((s) => s.id));
  }

  disconnect(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
  }
}
