import type { NextFunction, Request, Response } from 'express';
import { QueueFullError, RelayError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Errors from express / body-parser / send (http-errors): `status`, `expose`, body-parser's `type`. */
interface HttpLibraryError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/** Codes for the 4xx statuses express and its static file server raise themselves. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  412: 'precondition_failed',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
};

function toRelayError(err: unknown): RelayError {
  if (err instanceof RelayError) return err;
  const e = err as HttpLibraryError | undefined;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new RelayError('invalid_json', 'request body is not valid JSON', 400);
    case 'entity.too.large':
      return new RelayError('body_too_large', 'request body is too large', 413);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new RelayError('unsupported_encoding', 'request body must be UTF-8 JSON', 415);
    case 'request.aborted':
      return new RelayError('request_aborted', 'request aborted by the client', 400);
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // A malformed path (`/api/queue/%E0`), a missing static file, ...: the client's fault, not a 500.
    const message = e?.expose && e.message ? e.message.slice(0, 200) : 'bad request';
    return new RelayError(CODE_BY_STATUS[status] ?? 'bad_request', message, status);
  }
  return new RelayError('internal', 'internal error', 500, { cause: err });
}

export function errorBody(err: RelayError): ErrorBody {
  return { error: { code: err.code, message: err.message } };
}

/** The last express middleware: every error becomes `{error:{code,message}}` and one log line. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const relayErr = toRelayError(err);
    const context = { method: req.method, path: req.path.slice(0, 200), status: relayErr.httpStatus, code: relayErr.code };
    if (relayErr.httpStatus >= 500) log.error({ ...context, err }, 'request failed');
    else log.warn(context, `request rejected: ${relayErr.message}`);
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    // The body was not (fully) read: answer now and close instead of reading the rest of
    // an upload that may be huge (413) or unauthenticated (401).
    if (!req.complete) res.setHeader('Connection', 'close');
    if (relayErr instanceof QueueFullError) res.setHeader('Retry-After', String(relayErr.retryAfterS));
    res.status(relayErr.httpStatus).json(errorBody(relayErr));
  };
}

/** For a known path asked with a method it does not have: 405 with `Allow`. */
export function methodNotAllowed(allowed: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Allow', allowed);
    next(new RelayError('method_not_allowed', `${req.method.slice(0, 20)} is not allowed here; use ${allowed}`, 405));
  };
}

/** Express 4 does not catch a rejected promise: pass it on to the error handler. */
export const asyncRoute =
  (handler: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };
