/**
 * One DashScope WebSocket as CosyVoice's tasks see it: the shared duplex socket
 * (`core/dashscope/duplex-socket.ts`: deadline, typed handshake errors, ping, close) with its
 * binary frames aligned to whole 16-bit samples and its text frames parsed into TTS events.
 */
import { DuplexSocket } from '../../server/src/core/dashscope/duplex-socket.ts';
import { Pcm16Aligner } from '../../server/src/core/engine-kit/pcm16-aligner.ts';
import { parseServerEvent, type ServerEvent } from './dashscope-protocol.ts';

export type ConnectionFrame = { kind: 'audio'; pcm: Uint8Array } | { kind: 'event'; event: ServerEvent };

export interface ConnectionListener {
  frame(frame: ConnectionFrame): void;
  closed(code: number, reason: string): void;
}

export class DashScopeConnection {
  private constructor(private readonly socket: DuplexSocket) {}

  /** Open a socket within `timeoutMs`; rejects with DeadlineExceededError, an auth error, or a network error. */
  static async open(url: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<DashScopeConnection> {
    return new DashScopeConnection(await DuplexSocket.open({ url, headers, timeoutMs, ...(signal ? { signal } : {}) }));
  }

  get url(): string {
    return this.socket.url;
  }

  /** When the socket last carried a task (or opened): the server's idle clock. */
  get lastUsedMs(): number {
    return this.socket.lastUsedMs;
  }

  set lastUsedMs(ms: number) {
    this.socket.lastUsedMs = ms;
  }

  /** Open and not known to be dead: safe to hand to a task. */
  get usable(): boolean {
    return this.socket.usable;
  }

  attach(listener: ConnectionListener): void {
    const aligner = new Pcm16Aligner();
    this.socket.attach({
      binary: (data) => {
        const pcm = aligner.push(data);
        if (pcm) listener.frame({ kind: 'audio', pcm });
      },
      text: (text) => {
        const event = parseServerEvent(text);
        if (event) listener.frame({ kind: 'event', event });
      },
      closed: (code, reason) => listener.closed(code, reason),
    });
  }

  detach(): void {
    this.socket.detach();
  }

  send(text: string): void {
    this.socket.send(text);
  }

  onClose(callback: () => void): () => void {
    return this.socket.onClose(callback);
  }

  ping(timeoutMs: number): Promise<boolean> {
    return this.socket.ping(timeoutMs);
  }

  close(reason = 'done'): Promise<void> {
    return this.socket.close(reason);
  }
}
