import type { NextFunction, Request, Response } from 'express';
import { QueueFullError, RelayError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface ErrorBody {
  error: { code: string; message: string };
}

/** body-parser's own errors carry `type` and `status`. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

function toRelayError(err: unknown): RelayError {
  if (err instanceof RelayError) return err;
  const bp = err as BodyParserError;
  switch (bp?.type) {
    case 'entity.parse.failed':
      return new RelayError('invalid_json', 'request body is not valid JSON', 400);
    case 'entity.too.large':
      return new RelayError('body_too_large', 'request body is too large', 413);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new RelayError('unsupported_encoding', 'request body must be UTF-8 JSON', 415);
    case 'request.aborted':
      return new RelayError('request_aborted', 'request aborted by the client', 400);
    default:
      return new RelayError('internal', 'internal error', 500, { cause: err });
  }
}

export function errorBody(err: RelayError): ErrorBody {
  return { error: { code: err.code, message: err.message } };
}

/** The last express middleware: every error becomes `{error:{code,message}}` and one log line. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const relayErr = toRelayError(err);
    const context = { method: req.method, path: req.path, status: relayErr.httpStatus, code: relayErr.code };
    if (relayErr.httpStatus >= 500) log.error({ ...context, err }, 'request failed');
    else log.warn(context, `request rejected: ${relayErr.message}`);
    if (relayErr instanceof QueueFullError) res.setHeader('Retry-After', String(relayErr.retryAfterS));
    res.status(relayErr.httpStatus).json(errorBody(relayErr));
  };
}
