/**
 * One identified obs-websocket v5 connection (obs-websocket-js, JSON subprotocol) with every
 * wait bounded: the handshake and each request have a deadline, and a request in flight when
 * the socket closes fails at once (the library would leave it pending forever).
 */
import {
  EventSubscription,
  OBSWebSocket,
  OBSWebSocketError,
  type OBSEventTypes,
  type OBSRequestTypes,
  type OBSResponseTypes,
} from 'obs-websocket-js/json';
import { Observable } from 'rxjs';
import { OBS_CLOSE_AUTH_FAILED, ObsAuthError, ObsError, ObsRequestError } from './obs-errors.ts';

/** Scene switches, stream state and the general events; no high-volume ones. */
const OBS_EVENT_SUBSCRIPTIONS = EventSubscription.General | EventSubscription.Scenes | EventSubscription.Outputs;

export interface ObsSessionOptions {
  url: string;
  password?: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface ObsSession {
  call<K extends keyof OBSRequestTypes>(requestType: K, requestData?: OBSRequestTypes[K]): Promise<OBSResponseTypes[K]>;
  event$<K extends keyof OBSEventTypes>(eventType: K): Observable<OBSEventTypes[K]>;
  /** Aborted once the connection is gone; its `reason` is an ObsError saying why. */
  readonly closed: AbortSignal;
  close(): Promise<void>;
}

const CLOSE_WAIT_MS = 2_000;

/** Resolves like `promise`, or rejects with `onTimeout()` after `timeoutMs` / with `signal.reason` on abort. */
function settleWithin<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => finish(() => reject(signal?.reason));
    const timer = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs);
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

function closeError(error: OBSWebSocketError, options: ObsSessionOptions): ObsError {
  if (error.code === OBS_CLOSE_AUTH_FAILED) return new ObsAuthError(Boolean(options.password));
  const reason = error.message ? `: ${error.message}` : '';
  return new ObsError('obs_disconnected', `OBS closed the connection (code ${error.code}${reason})`);
}

function connectError(error: unknown, options: ObsSessionOptions): ObsError {
  if (error instanceof ObsError) return error;
  if (error instanceof OBSWebSocketError && error.code > 0) return closeError(error, options);
  const detail = error instanceof Error && error.message ? error.message : 'connection failed';
  return new ObsError('obs_unreachable', `cannot connect to OBS at ${options.url}: ${detail}`, { cause: error });
}

/** Connects and identifies; `signal` aborts a handshake in progress. */
export async function openObsSession(options: ObsSessionOptions, signal?: AbortSignal): Promise<ObsSession> {
  const client = new OBSWebSocket();
  const closed = new AbortController();
  client.on('ConnectionClosed', (error) => closed.abort(closeError(error, options)));

  try {
    await settleWithin(
      client.connect(options.url, options.password, { rpcVersion: 1, eventSubscriptions: OBS_EVENT_SUBSCRIPTIONS }),
      options.connectTimeoutMs,
      () => new ObsError('obs_connect_timeout', `OBS at ${options.url} did not finish the handshake within ${options.connectTimeoutMs} ms`),
      signal,
    );
  } catch (error) {
    client.disconnect().catch(() => undefined);
    throw connectError(error, options);
  }

  return {
    closed: closed.signal,
    async call(requestType, requestData) {
      const request = Promise.resolve().then(() => client.call(requestType, requestData));
      try {
        return await settleWithin(
          request,
          options.requestTimeoutMs,
          () => new ObsError('obs_request_timeout', `OBS did not answer ${requestType} within ${options.requestTimeoutMs} ms`),
          closed.signal,
        );
      } catch (error) {
        if (error instanceof OBSWebSocketError) throw new ObsRequestError(requestType, error.code, error.message);
        if (error instanceof ObsError) throw error;
        throw new ObsError('obs_not_connected', `OBS connection is closed (${requestType} not sent)`, { cause: error });
      }
    },
    event$(eventType) {
      return new Observable((subscriber) => {
        const listener = (data: unknown): void => subscriber.next(data as never);
        client.on(eventType, listener as never);
        return () => client.off(eventType, listener as never);
      });
    },
    async close() {
      await settleWithin(client.disconnect(), CLOSE_WAIT_MS, () => new Error('close timed out')).catch(() => undefined);
      closed.abort(new ObsError('obs_disconnected', 'connection closed by the relay'));
    },
  };
}
