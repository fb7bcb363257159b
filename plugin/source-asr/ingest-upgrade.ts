/**
 * The checks every ingest endpoint (`/ingest/asr`, `/ingest/audio`, WebSocket or HTTP
 * stream) makes before it takes a feed: accepting at all (503), same origin or none (403),
 * the relay token as `Authorization: Bearer` or `?token=` (401). A refusal is an HTTP answer
 * with `{error: {code, message}}`, logged with the remote address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AuthError, RelayError } from '../../server/src/core/errors.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import { sameOriginOrNone } from '../../server/src/core/same-origin.ts';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

function presentedToken(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer (.+)$/iu.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? new URL(req.url ?? '/', 'http://relay.invalid').searchParams.get('token') ?? undefined;
}

function refuseUpgrade(socket: Duplex, error: RelayError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  socket.end(
    `HTTP/1.1 ${error.httpStatus} ${STATUS_CODES[error.httpStatus] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export class IngestGate {
  private readonly expected: Buffer;

  constructor(
    token: string,
    /** What is ingested, for messages: 'an ASR feed', 'an audio feed'. */
    private readonly what: string,
    private readonly log: Logger,
  ) {
    this.expected = digest(token);
  }

  /** Why `req` may not feed, or undefined when it may. */
  private problem(req: IncomingMessage, accepting: boolean): RelayError | undefined {
    if (!accepting) return new RelayError('source_stopped', `the relay is not accepting ${this.what} now`, 503);
    if (!sameOriginOrNone(req)) {
      this.log.warn({ remote: req.socket.remoteAddress }, `refused ${this.what} from a page of another origin`);
      return new RelayError('forbidden_origin', `cross-origin pages may not open ${this.what}`, 403);
    }
    const token = presentedToken(req);
    if (token === undefined || !timingSafeEqual(digest(token), this.expected)) {
      this.log.warn({ remote: req.socket.remoteAddress }, `refused ${this.what} with a missing or wrong token`);
      return new AuthError();
    }
    return undefined;
  }

  /** True when the upgrade may go ahead; otherwise the socket was answered and closed. */
  admit(req: IncomingMessage, socket: Duplex, accepting: boolean): boolean {
    const problem = this.problem(req, accepting);
    if (problem) refuseUpgrade(socket, problem);
    return problem === undefined;
  }

  /** True when the HTTP stream may go ahead; otherwise it was answered. */
  admitRequest(req: IncomingMessage, res: ServerResponse, accepting: boolean): boolean {
    const problem = this.problem(req, accepting);
    if (problem) this.refuseRequest(res, problem);
    return problem === undefined;
  }

  /** Answers an upgrade with `error` (its HTTP status and `{error: {code, message}}`) and closes it. */
  refuse(socket: Duplex, error: RelayError): void {
    refuseUpgrade(socket, error);
  }

  /** Answers an HTTP request with `error`, without reading the rest of its body. */
  refuseRequest(res: ServerResponse, error: RelayError): void {
    const body = JSON.stringify({ error: { code: error.code, message: error.message } });
    res.writeHead(error.httpStatus, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Content-Type-Options': 'nosniff',
      Connection: 'close',
    });
    res.end(body);
  }
}
