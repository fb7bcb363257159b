/**
 * Pusher Channels protocol 7 frames (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol):
 * one JSON object per WebSocket message, `{ event, channel?, data }`. Pusher's own events
 * (`pusher:*`, `pusher_internal:*`) carry `data` as an object or as a JSON string; an app's
 * events (Kick's `App\Events\ChatMessageEvent`, …) carry it as a JSON string only.
 */
import { RelayError } from '../../server/src/core/errors.ts';
import type { ReconnectAdvice } from '../../server/src/core/source.ts';
import { isRecord } from '../../server/src/core/is-record.ts';

export interface PusherFrame {
  event: string;
  channel?: string;
  /** `data`, decoded when it was a JSON string. */
  data: Record<string, unknown>;
}

/** A frame that cannot be read: skipped and counted, never fatal. */
export class MalformedFrameError extends RelayError {
  constructor(message: string) {
    super('malformed_frame', message, 502);
  }
}

function decodeData(text: string, event: string): Record<string, unknown> {
  if (text === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new MalformedFrameError(`${event}: data is not JSON`);
  }
  if (!isRecord(data)) throw new MalformedFrameError(`${event}: data is not a JSON object`);
  return data;
}

export function parsePusherFrame(text: string): PusherFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    throw new MalformedFrameError('frame is not JSON');
  }
  if (!isRecord(frame) || typeof frame['event'] !== 'string') throw new MalformedFrameError('frame has no event name');
  const event = frame['event'];
  const channel = typeof frame['channel'] === 'string' ? frame['channel'] : undefined;
  const raw = frame['data'];
  const pusherOwn = event.startsWith('pusher:') || event.startsWith('pusher_internal:');
  let data: Record<string, unknown>;
  if (typeof raw === 'string') data = decodeData(raw, event);
  else if (pusherOwn && (raw === undefined || isRecord(raw))) data = raw ?? {};
  else throw new MalformedFrameError(`${event}: data is not a JSON string`);
  return { event, ...(channel === undefined ? {} : { channel }), data };
}

/** A client frame, as Pusher expects it (`data` an object). */
export function pusherFrame(event: string, data: Record<string, unknown> = {}): string {
  return JSON.stringify({ event, data });
}

/**
 * What a `pusher:error` code (or a 4000–4999 close code) asks of the client: 4000–4099 do not
 * reconnect (wrong app key, app disabled, over quota, bad protocol), 4100–4199 reconnect after
 * a back-off (over capacity), 4200–4299 reconnect at once (4200 generic, 4201 pong not
 * received, 4202 closed after inactivity). Anything else: back off.
 */
export function reconnectAdviceOf(code: unknown): ReconnectAdvice {
  if (typeof code !== 'number') return 'backoff';
  if (code >= 4000 && code <= 4099) return 'never';
  if (code >= 4200 && code <= 4299) return 'at-once';
  return 'backoff';
}
