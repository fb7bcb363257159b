/**
 * EventSub WebSocket frames (https://dev.twitch.tv/docs/eventsub/websocket-reference/):
 * one JSON object per text frame, `metadata.message_type` one of session_welcome,
 * session_keepalive, session_reconnect, notification, revocation. A frame that is not such
 * an object is a `EventSubFrameError` (the caller skips it; Twitch never sends one).
 */
import { SourceError } from '../../server/src/core/source.ts';
import { isRecord } from '../../server/src/core/is-record.ts';

export interface EventSubSession {
  id: string;
  status: string;
  /** Null on a reconnect message. */
  keepalive_timeout_seconds: number | null;
  reconnect_url: string | null;
}

export interface EventSubSubscription {
  id: string;
  /** 'enabled', or why it ended: authorization_revoked, user_removed, version_removed, … */
  status: string;
  type: string;
  version: string;
  condition: Record<string, string>;
}

interface Metadata {
  message_id: string;
  message_timestamp: string;
}

export type EventSubMessage =
  | { type: 'session_welcome' | 'session_reconnect'; metadata: Metadata; session: EventSubSession }
  | { type: 'session_keepalive'; metadata: Metadata }
  | { type: 'notification'; metadata: Metadata; subscription: EventSubSubscription; event: Record<string, unknown> }
  | { type: 'revocation'; metadata: Metadata; subscription: EventSubSubscription };

export class EventSubFrameError extends SourceError {
  constructor(message: string) {
    super('eventsub_bad_frame', message);
  }
}

function subscriptionOf(payload: Record<string, unknown>): EventSubSubscription {
  const sub = payload['subscription'];
  if (!isRecord(sub) || typeof sub['type'] !== 'string' || typeof sub['status'] !== 'string') {
    throw new EventSubFrameError('a notification or revocation without its subscription');
  }
  return sub as unknown as EventSubSubscription;
}

function sessionOf(payload: Record<string, unknown>): EventSubSession {
  const session = payload['session'];
  if (!isRecord(session) || typeof session['id'] !== 'string') throw new EventSubFrameError('a session message without its session');
  return session as unknown as EventSubSession;
}

/** One text frame → a message; throws EventSubFrameError on anything else. */
export function parseEventSubFrame(text: string): EventSubMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EventSubFrameError('a frame that is not JSON');
  }
  if (!isRecord(parsed) || !isRecord(parsed['metadata']) || !isRecord(parsed['payload'])) {
    throw new EventSubFrameError('a frame without metadata and payload');
  }
  const meta = parsed['metadata'];
  const payload = parsed['payload'];
  if (typeof meta['message_id'] !== 'string' || typeof meta['message_timestamp'] !== 'string') {
    throw new EventSubFrameError('a frame without message_id or message_timestamp');
  }
  const metadata: Metadata = { message_id: meta['message_id'], message_timestamp: meta['message_timestamp'] };
  switch (meta['message_type']) {
    case 'session_welcome':
    case 'session_reconnect':
      return { type: meta['message_type'], metadata, session: sessionOf(payload) };
    case 'session_keepalive':
      return { type: 'session_keepalive', metadata };
    case 'notification': {
      const event = payload['event'];
      if (!isRecord(event)) throw new EventSubFrameError('a notification without its event');
      return { type: 'notification', metadata, subscription: subscriptionOf(payload), event };
    }
    case 'revocation':
      return { type: 'revocation', metadata, subscription: subscriptionOf(payload) };
    default:
      throw new EventSubFrameError(`an unknown message_type ${JSON.stringify(meta['message_type'])}`);
  }
}

/**
 * The message's timestamp in ms (RFC 3339 with nanoseconds: Date.parse reads the first
 * three fraction digits only in some engines, so the fraction is cut to milliseconds).
 */
export function messageTimeMs(metadata: Metadata): number {
  return Date.parse(metadata.message_timestamp.replace(/(\.\d{3})\d+/u, '$1'));
}
