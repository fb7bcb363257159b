/**
 * The checks every ingest WebSocket (`/ingest/asr`, `/ingest/audio`) makes before its
 * upgrade: accepting at all (503), same origin or none (403), the relay token as
 * `Authorization: Bearer` or `?token=` (401). A refusal is an HTTP answer with
 * `{error: {code, message}}`, logged with the remote address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
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

  /** True when the upgrade may go ahead; otherwise the socket was answered and closed. */
  admit(req: IncomingMessage, socket: Duplex, accepting: boolean): boolean {
    if (!accepting) {
      refuseUpgrade(socket, new RelayError('source_stopped', `the relay is not accepting ${this.what} now`, 503));
      return false;
    }
    if (!sameOriginOrNone(req)) {
      this.log.warn({ remote: req.socket.remoteAddress }, `refused ${this.what} from a page of another origin`);
      refuseUpgrade(socket, new RelayError('forbidden_origin', `cross-origin pages may not open ${this.what}`, 403));
      return false;
    }
    const token = presentedToken(req);
    if (token === undefined || !timingSafeEqual(digest(token), this.expected)) {
      this.log.warn({ remote: req.socket.remoteAddress }, `refused ${this.what} with a missing or wrong token`);
      refuseUpgrade(socket, new AuthError());
      return false;
    }
    return true;
  }

  /** Answers an upgrade with `error` (its HTTP status and `{error: {code, message}}`) and closes it. */
  refuse(socket: Duplex, error: RelayError): void {
    refuseUpgrade(socket, error);
  }
}
