/**
 * Keeps one obs-websocket session open: reconnects with exponential backoff and jitter
 * (reset once a session was identified), and after a refused password waits on a much
 * slower schedule, since only a person fixing the password can help.
 */
import { BehaviorSubject, type Observable } from 'rxjs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../server/src/core/logger.ts';
import { backoffDelayMs, type BackoffPolicy } from '../../server/src/core/engine-kit/backoff.ts';
import { ObsAuthError, errorMessage } from './obs-errors.ts';
import { openObsSession, type ObsSession, type ObsSessionOptions } from './obs-session.ts';

/** OBS restarts take seconds; after a minute of failures, try twice a minute. */
export const OBS_RECONNECT_BACKOFF: BackoffPolicy = { baseDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2, jitterRatio: 0.2 };
/** A wrong password stays wrong until someone edits it: retry every few minutes at most. */
export const OBS_AUTH_RETRY_BACKOFF: BackoffPolicy = { baseDelayMs: 60_000, maxDelayMs: 300_000, multiplier: 2, jitterRatio: 0.1 };

export interface ObsConnectionOptions extends ObsSessionOptions {
  logger: Logger;
  backoff?: Partial<BackoffPolicy>;
  authBackoff?: Partial<BackoffPolicy>;
}

export interface ObsLinkState {
  /** The identified session, or undefined while disconnected. */
  session?: ObsSession;
  /** Why the last attempt failed or the last session ended; cleared on connect. */
  lastError?: string;
}

export interface ObsConnection {
  readonly state$: Observable<ObsLinkState>;
  current(): ObsSession | undefined;
  /** Closes the session and ends the reconnect loop; resolves once closed. */
  stop(): Promise<void>;
}

export function connectToObs(options: ObsConnectionOptions): ObsConnection {
  const backoff = { ...OBS_RECONNECT_BACKOFF, ...options.backoff };
  const authBackoff = { ...OBS_AUTH_RETRY_BACKOFF, ...options.authBackoff };
  const log = options.logger;
  const state$ = new BehaviorSubject<ObsLinkState>({});
  const stop = new AbortController();

  const fail = (error: unknown): void => state$.next({ lastError: errorMessage(error) });

  async function holdSession(session: ObsSession): Promise<void> {
    state$.next({ session });
    log.info('obs connected');
    await new Promise<void>((resolve) => {
      const done = (): void => {
        session.closed.removeEventListener('abort', done);
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      if (session.closed.aborted || stop.signal.aborted) return done();
      session.closed.addEventListener('abort', done);
      stop.signal.addEventListener('abort', done);
    });
    if (stop.signal.aborted) await session.close();
    else {
      fail(session.closed.reason);
      log.warn({ error: errorMessage(session.closed.reason) }, 'obs connection lost');
    }
  }

  async function loop(): Promise<void> {
    let attempt = 0;
    let authAttempt = 0;
    while (!stop.signal.aborted) {
      let delayMs: number;
      try {
        await holdSession(await openObsSession(options, stop.signal));
        attempt = 0;
        authAttempt = 0;
        delayMs = backoffDelayMs(attempt++, backoff);
      } catch (error) {
        if (stop.signal.aborted) break;
        fail(error);
        const auth = error instanceof ObsAuthError;
        delayMs = auth ? backoffDelayMs(authAttempt++, authBackoff) : backoffDelayMs(attempt++, backoff);
        log.warn({ error: errorMessage(error), retryInMs: delayMs }, 'obs connection failed');
      }
      if (stop.signal.aborted) break;
      await sleep(delayMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
    state$.next({ ...state$.value, session: undefined });
  }

  const done = loop();

  return {
    state$: state$.asObservable(),
    current: () => state$.value.session,
    async stop() {
      stop.abort();
      await done;
      state$.complete();
    },
  };
}
