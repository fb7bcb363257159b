import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AuthError } from '../core/errors.ts';

/** Constant-time comparison that does not leak the secret's length either. */
export function secretMatches(given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Express middleware: exactly one `Authorization: Bearer <token>` header or 401. Node keeps
 * only the first of repeated Authorization headers; a request carrying several is refused
 * rather than judged by whichever one comes first.
 */
export function requireToken(token: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if ((req.headersDistinct.authorization?.length ?? 0) > 1) return next(new AuthError('send exactly one Authorization header'));
    next(secretMatches(bearerToken(req.headers.authorization), token) ? undefined : new AuthError());
  };
}
