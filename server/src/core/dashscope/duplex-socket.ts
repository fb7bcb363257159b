/**
 * One DashScope duplex WebSocket, whatever runs on it (TTS or ASR tasks): opened with a
 * deadline (DNS + TCP + TLS + upgrade), HTTP error answers to the upgrade turned into typed
 * errors, raw frames handed to whoever owns the socket right now (a task, or nobody while it
 * idles in a pool), ping/pong liveness, a close that cannot hang.
 */
import { WebSocket } from 'ws';
import { DeadlineExceededError, SynthesisCancelledError } from '../engine-kit/resilience-errors.ts';
import { connectError, COSYVOICE_SETTINGS, type DashScopeSettingNames, handshakeError } from './duplex-errors.ts';

export interface DuplexListener {
  text(text: string): void;
  /** A binary frame as received (not copied: a listener copies what it keeps). */
  binary(data: Uint8Array): void;
  closed(code: number, reason: string): void;
}

const CLOSE_WAIT_MS = 1000;
const MAX_ERROR_BODY_BYTES = 4096;

export interface DuplexOpenOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The settings error messages name (default CosyVoice's). */
  settings?: DashScopeSettingNames;
}

export class DuplexSocket {
  private listener: DuplexListener | undefined;
  private dead = false;
  private pongWaiter: ((alive: boolean) => void) | undefined;
  private pendingPing: Promise<boolean> | undefined;
  private readonly closeCallbacks: (() => void)[] = [];
  /** When the socket last carried a message (or opened): the server's idle clock. */
  lastUsedMs = Date.now();

  private constructor(
    private readonly ws: WebSocket,
    readonly url: string,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.listener?.binary(data); // a Buffer is a Uint8Array
      else this.listener?.text(data.toString());
    });
    ws.on('pong', () => {
      this.pongWaiter?.(true);
      this.pongWaiter = undefined;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.dead = true;
      this.pongWaiter?.(false);
      this.listener?.closed(code, reason.toString());
      for (const callback of this.closeCallbacks.splice(0)) callback();
    });
    ws.on('error', () => {}); // 'close' follows every error
  }

  /** Open a socket within `timeoutMs`; rejects with DeadlineExceededError, an auth error, or a network error. */
  static open({ url, headers, timeoutMs, signal, settings = COSYVOICE_SETTINGS }: DuplexOpenOptions): Promise<DuplexSocket> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new SynthesisCancelledError());
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (!error) return resolve(new DuplexSocket(ws, url));
        ws.removeAllListeners('open');
        ws.on('error', () => {});
        if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
        reject(error);
      };
      const onAbort = () => settle(new SynthesisCancelledError());
      const timer = setTimeout(() => settle(new DeadlineExceededError('connect', timeoutMs, url)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('open', () => settle());
      ws.once('error', (error) => settle(connectError(url, error, settings)));
      ws.once('unexpected-response', (request, response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ERROR_BODY_BYTES) chunks.push(chunk);
        });
        const finish = () => {
          settle(handshakeError(response.statusCode ?? 0, Buffer.concat(chunks).toString(), settings));
          request.destroy();
        };
        response.once('end', finish);
        response.once('error', finish);
      });
    });
  }

  /** Open and not known to be dead: safe to hand to a task. */
  get usable(): boolean {
    return !this.dead && this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in the socket not yet handed to the network (backpressure). */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  attach(listener: DuplexListener): void {
    this.listener = listener;
  }

  detach(): void {
    this.listener = undefined;
  }

  send(text: string): void {
    this.lastUsedMs = Date.now();
    this.ws.send(text);
  }

  sendBinary(data: Uint8Array): void {
    this.lastUsedMs = Date.now();
    this.ws.send(data, { binary: true });
  }

  /** Call `callback` once the socket is closed; returns a function that stops watching. */
  onClose(callback: () => void): () => void {
    if (this.ws.readyState === WebSocket.CLOSED) {
      callback();
      return () => {};
    }
    this.closeCallbacks.push(callback);
    return () => {
      const index = this.closeCallbacks.indexOf(callback);
      if (index >= 0) this.closeCallbacks.splice(index, 1);
    };
  }

  /** Resolves true when a pong comes back within `timeoutMs`; a miss marks the socket dead. One ping at a time. */
  ping(timeoutMs: number): Promise<boolean> {
    if (!this.usable) return Promise.resolve(false);
    this.pendingPing ??= new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.pongWaiter = undefined;
        this.dead = true;
        resolve(false);
      }, timeoutMs);
      this.pongWaiter = (alive) => {
        clearTimeout(timer);
        resolve(alive);
      };
      this.ws.ping();
    }).finally(() => {
      this.pendingPing = undefined;
    });
    return this.pendingPing;
  }

  /** Close now (a close frame, then a hard cut if the server does not answer); resolves once closed. */
  close(reason = 'done'): Promise<void> {
    return new Promise((resolve) => {
      this.dead = true;
      this.onClose(resolve);
      if (this.ws.readyState === WebSocket.CLOSED) return;
      const cut = setTimeout(() => this.ws.terminate(), CLOSE_WAIT_MS);
      this.onClose(() => clearTimeout(cut));
      this.ws.close(1000, reason);
    });
  }
}
