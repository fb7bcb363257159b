/**
 * HTTP/1.1 over a bare TCP socket, for requests fetch() will not send: repeated headers,
 * bad framing, bodies that do not match their Content-Length, a 100 MB body streamed while
 * the answer is read, invalid methods. One connection per request (`Connection: close`).
 */
import { connect } from 'node:net';

export type HeaderList = [string, string][];

export interface RawRequest {
  method: string;
  path: string;
  headers?: HeaderList;
  /** A body sent at once (Content-Length added unless a header says otherwise). */
  body?: string | Buffer;
  /** Or the bytes of the request after the blank line, produced lazily and sent with backpressure until the server answers. */
  stream?: () => Iterable<Buffer>;
  /** The whole request as bytes, sent verbatim (method/path/headers/body are ignored). */
  verbatim?: string | Buffer;
  timeoutMs?: number;
}

export interface RawResponse {
  /** 0 when the connection ended without an answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes of the request that went out before the answer (or the close). */
  bytesSent: number;
  /** Request start → answer head received (or the end). */
  elapsedMs: number;
}

function head(req: RawRequest, host: string): string {
  const headers: HeaderList = [['Host', host], ['Connection', 'close'], ...(req.headers ?? [])];
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  if (req.body !== undefined && !has('content-length') && !has('transfer-encoding')) {
    headers.push(['Content-Length', String(Buffer.byteLength(req.body))]);
  }
  return `${req.method} ${req.path} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`;
}

export function rawHttp(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    let bytesSent = 0;
    let answeredAtMs: number | undefined;
    let done = false;
    const timer = setTimeout(() => finish(), req.timeoutMs ?? 10_000);

    /** The answer once complete; at the end of the connection, whatever head and body came. */
    const parse = (ended = false): RawResponse | undefined => {
      let data = Buffer.concat(received);
      // Interim answers (100 Continue) come before the real one.
      while (/^HTTP\/1\.[01] 1\d\d /.test(data.subarray(0, 13).toString('latin1')) && data.indexOf('\r\n\r\n') !== -1) {
        data = data.subarray(data.indexOf('\r\n\r\n') + 4);
      }
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) return undefined;
      const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        headers[name] = headers[name] === undefined ? line.slice(colon + 1).trim() : `${headers[name]}, ${line.slice(colon + 1).trim()}`;
      }
      const raw = data.subarray(end + 4);
      const chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
      const body = chunked ? dechunk(raw) : { bytes: raw, complete: false };
      const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      answeredAtMs ??= performance.now() - started;
      const complete =
        ended || body.complete || req.method === 'HEAD' || status === 204 || status === 304 || (length !== undefined && raw.length >= length);
      return complete ? { status, headers, body: body.bytes.toString('utf8'), bytesSent, elapsedMs: answeredAtMs } : undefined;
    };
    const finish = (response?: RawResponse): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const partial = response ?? parse(true);
      resolve(partial ?? { status: 0, headers: {}, body: Buffer.concat(received).toString('utf8'), bytesSent, elapsedMs: performance.now() - started });
    };

    socket.on('data', (chunk) => {
      received.push(chunk);
      const response = parse();
      if (response) finish(response);
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    socket.on('connect', async () => {
      const send = (bytes: string | Buffer): boolean => {
        bytesSent += Buffer.byteLength(bytes);
        return socket.write(bytes);
      };
      if (req.verbatim !== undefined) {
        send(req.verbatim);
        return;
      }
      send(head(req, url.host));
      if (req.body !== undefined) send(req.body);
      if (!req.stream) return;
      for (const chunk of req.stream()) {
        if (done || answeredAtMs !== undefined || socket.destroyed) return;
        if (!send(chunk)) {
          await new Promise<void>((resolveDrain) => {
            const go = () => {
              socket.off('drain', go).off('close', go).off('data', go);
              resolveDrain();
            };
            socket.on('drain', go).on('close', go).on('data', go);
          });
        }
      }
    });
  });
}

/** A chunked body's bytes so far, and whether its last chunk came. */
function dechunk(raw: Buffer): { bytes: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd === -1) return { bytes: Buffer.concat(parts), complete: false };
    const size = parseInt(raw.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!(size >= 0)) return { bytes: Buffer.concat(parts), complete: true };
    if (size === 0) return { bytes: Buffer.concat(parts), complete: true };
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
    if (offset > raw.length) return { bytes: Buffer.concat(parts), complete: false };
  }
}

/** `sizeBytes` of a JSON-looking body in chunked transfer coding, made lazily (never all in memory). */
export function* chunkedBody(sizeBytes: number, chunkBytes = 64 * 1024): Iterable<Buffer> {
  const filler = Buffer.alloc(chunkBytes, 'a');
  yield Buffer.from('4\r\n{"t"\r\n');
  for (let sent = 0; sent < sizeBytes; sent += chunkBytes) {
    yield Buffer.concat([Buffer.from(`${chunkBytes.toString(16)}\r\n`), filler, Buffer.from('\r\n')]);
  }
  yield Buffer.from('0\r\n\r\n');
}

/** `sizeBytes` of body bytes for a request that declared its Content-Length, made lazily. */
export function* plainBody(sizeBytes: number, chunkBytes = 64 * 1024): Iterable<Buffer> {
  const filler = Buffer.alloc(chunkBytes, 'a');
  for (let sent = 0; sent < sizeBytes; sent += chunkBytes) yield filler.subarray(0, Math.min(chunkBytes, sizeBytes - sent));
}
