import type { IncomingMessage } from 'node:http';

/**
 * True when a browser request comes from a page of this relay (same host), or from no page
 * at all (no Origin header: OBS plugins, ASR programs, curl, tests). Cross-origin pages may
 * not open sockets or feeds here, whatever they hold.
 */
export function sameOriginOrNone(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
