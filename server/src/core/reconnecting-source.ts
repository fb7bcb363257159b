/**
 * Keeps one socket-based source connected: exponential backoff with jitter between
 * attempts (reset once a connection is usable), an idle watchdog, and the CaptionSource
 * status bookkeeping, around a `connect` that runs one connection's lifetime.
 * createWebSocketSource (websocket-source.ts) supplies that `connect` for WebSocket chat sources.
 */
import { Subject } from 'rxjs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.ts';
import { backoffDelayMs, type BackoffPolicy } from './engine-kit/backoff.ts';
import { MinuteRate, SourceError, type CaptionSource, type ReconnectAdvice, type SourceEvent } from './source.ts';
import type { CaptionSourceName } from './types.ts';

/** Chat servers restart and rate-limit reconnect storms: wait up to a minute between tries. */
export const SOURCE_RECONNECT_BACKOFF: BackoffPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000, multiplier: 2, jitterRatio: 0.3 };

/** What a plugin's `connect` gets for one connection. */
export interface SourceConnection {
  /** Aborted when the source stops or the connection went idle: close the socket then. */
  readonly signal: AbortSignal;
  /** The connection is usable (authenticated, joined): status turns connected, backoff resets. */
  connected(): void;
  /** Something arrived from the server: feeds the idle watchdog. */
  alive(): void;
  emit(event: SourceEvent): void;
}

export interface ReconnectingSourceOptions {
  name: CaptionSourceName;
  /** Opens one connection; resolves once it has closed, rejects with why it failed. */
  connect(connection: SourceConnection): Promise<void>;
  logger: Logger;
  backoff?: Partial<BackoffPolicy>;
  /** Abort a connection that received nothing for this long; 0 = never. */
  idleTimeoutMs: number;
  nowMs?: () => number;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createReconnectingSource(options: ReconnectingSourceOptions): CaptionSource {
  const backoff = { ...SOURCE_RECONNECT_BACKOFF, ...options.backoff };
  const log = options.logger.child({ source: options.name });
  const events$ = new Subject<SourceEvent>();
  const rate = new MinuteRate(options.nowMs);
  let connected = false;
  let lastError: string | undefined;
  let running: { stop: AbortController; done: Promise<void> } | undefined;

  /** Runs one connection; says when to try again (a SourceError's advice, else after the backoff). */
  async function runOnce(stopSignal: AbortSignal, onUsable: () => void): Promise<ReconnectAdvice> {
    const connection = new AbortController();
    const abortOnStop = (): void => connection.abort(stopSignal.reason);
    stopSignal.addEventListener('abort', abortOnStop, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    const alive = (): void => {
      if (options.idleTimeoutMs <= 0) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        connection.abort(new SourceError('source_idle', `nothing received for ${options.idleTimeoutMs} ms`));
      }, options.idleTimeoutMs);
    };
    alive();
    try {
      await options.connect({
        signal: connection.signal,
        connected: () => {
          connected = true;
          onUsable();
          log.info('source connected');
        },
        alive,
        emit: (event) => {
          rate.record();
          events$.next(event);
        },
      });
      if (connection.signal.reason instanceof SourceError) throw connection.signal.reason;
      return 'backoff';
    } catch (error) {
      lastError = errorMessage(error);
      log.warn({ error: lastError }, 'source connection failed');
      return error instanceof SourceError ? error.reconnect : 'backoff';
    } finally {
      clearTimeout(idleTimer);
      stopSignal.removeEventListener('abort', abortOnStop);
      connected = false;
    }
  }

  async function loop(stopSignal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!stopSignal.aborted) {
      const advice = await runOnce(stopSignal, () => {
        attempt = 0;
      });
      if (stopSignal.aborted) break;
      if (advice === 'never') {
        log.error({ error: lastError }, 'source stopped: the server said a retry cannot help');
        break;
      }
      // At once only right after a usable connection: a server that keeps asking gets the backoff.
      const delayMs = advice === 'at-once' && attempt === 0 ? 0 : backoffDelayMs(attempt, backoff);
      attempt += 1;
      log.info({ delayMs, attempt }, 'source reconnecting');
      await sleep(delayMs, undefined, { signal: stopSignal }).catch(() => undefined);
    }
  }

  return {
    name: options.name,
    events$: events$.asObservable(),
    status: () => ({ connected, messagesPerMin: rate.perMinute(), ...(lastError === undefined ? {} : { lastError }) }),
    start() {
      if (running) return;
      const stop = new AbortController();
      running = { stop, done: loop(stop.signal) };
    },
    async stop() {
      const current = running;
      running = undefined;
      if (!current) return;
      current.stop.abort();
      await current.done;
    },
  };
}
