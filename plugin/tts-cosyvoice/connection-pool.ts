/**
 * Warm DashScope sockets for one endpoint. Keeps `minIdle` connected sockets ready, reuses
 * a socket task after task, renews idle sockets before the server's idle timeout, pings
 * idle sockets and replaces the ones that stop answering, and replaces dead ones in the
 * background. A socket handed out is open and answered its last ping; anything else is
 * discarded rather than handed out. Up to `preStartedTasks` of the warm sockets hold a
 * pre-started task (see pre-started-tasks.ts); the others stay plain for other voices.
 */
import type { Logger } from '../../server/src/core/logger.ts';
import type { ConnectionPurpose, EngineMetrics } from '../../server/src/core/engine-kit/engine-metrics.ts';
import { asEngineError } from '../../server/src/core/engine-kit/resilient-stream.ts';
import { DashScopeConnection } from './dashscope-connection.ts';
import type { SynthesisParameters } from './dashscope-protocol.ts';
import type { CosyVoicePoolOptions } from './options.ts';
import { type PreStartedTask, PreStartedTasks, type PreStartedTasksOptions } from './pre-started-tasks.ts';

export interface ConnectionPoolOptions extends CosyVoicePoolOptions {
  url: string;
  headers: Record<string, string>;
  connectMs: number;
  engine: string;
  logger: Logger;
  metrics: EngineMetrics;
  /** Background connects that fail tell the engine (a rejected key disables it). */
  onConnectError: (error: unknown) => void;
  /** What pre-started tasks need from the engine; without it the pool keeps plain sockets only. */
  preStart?: Pick<PreStartedTasksOptions, 'limiter' | 'parameters' | 'taskStartedMs' | 'onTaskError'>;
}

export interface PoolStats {
  /** Warm sockets, including those holding a pre-started task. */
  idle: number;
  busy: number;
  opening: number;
  /** Pre-started tasks ready (task-started received) and still starting. */
  preStarted: number;
  preStarting: number;
}

interface IdleEntry {
  connection: DashScopeConnection;
  renewTimer: ReturnType<typeof setTimeout>;
  pingTimer: ReturnType<typeof setInterval>;
  stopWatchingClose: () => void;
}

const REFILL_RETRY_MIN_MS = 250;
const REFILL_RETRY_MAX_MS = 10_000;

export class ConnectionPool {
  private readonly idle: IdleEntry[] = [];
  private busy = 0;
  private opening = 0;
  private minIdle = 0;
  private closed = false;
  private refillDelayMs = REFILL_RETRY_MIN_MS;
  private refillTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly preStarted: PreStartedTasks | undefined;

  constructor(private readonly options: ConnectionPoolOptions) {
    if (options.preStart && options.preStartedTasks > 0) {
      this.preStarted = new PreStartedTasks({
        ...options.preStart,
        url: options.url,
        engine: options.engine,
        logger: options.logger,
        metrics: options.metrics,
        renewAfterMs: options.idleRenewMs,
        retireAfterMs: (options.idleRenewMs + options.serverIdleTimeoutMs) / 2,
        pingIntervalMs: options.pingIntervalMs,
        pongTimeoutMs: options.pongTimeoutMs,
        host: {
          idleCount: () => this.idle.length,
          borrowIdle: () => this.borrowIdle(),
          adopt: () => {
            this.busy += 1;
            this.report();
          },
          changed: (purpose) => this.refill(purpose),
        },
      });
    }
  }

  stats(): PoolStats {
    const { ready, starting } = this.preStarted?.stats() ?? { ready: 0, starting: 0 };
    return { idle: this.warm(), busy: this.busy, opening: this.opening, preStarted: ready, preStarting: starting };
  }

  /** How many warm sockets to keep (the preferred endpoint keeps some, the others none). */
  setMinIdle(count: number): void {
    this.minIdle = count;
    this.preStarted?.setTarget(Math.min(this.options.preStartedTasks, count));
    this.refill();
  }

  /** A pre-started task run with exactly `parameters`, if one is kept: the caller owns its socket (busy) and its limiter grant. */
  takePreStarted(parameters: SynthesisParameters): PreStartedTask | undefined {
    return this.preStarted?.take(parameters);
  }

  /** A usable plain socket: a warm one if any, else a fresh one within the connect deadline. */
  async acquire(signal?: AbortSignal): Promise<DashScopeConnection> {
    for (let entry = this.idle.pop(); entry; entry = this.idle.pop()) {
      this.leaveIdle(entry);
      if (entry.connection.usable) {
        this.busy += 1;
        this.report();
        this.refill();
        return entry.connection;
      }
      void entry.connection.close('stale');
    }
    this.refill();
    const connection = await this.open('cold', signal);
    this.busy += 1;
    this.report();
    return connection;
  }

  /** The task on `connection` finished cleanly: keep it warm for the next one. */
  release(connection: DashScopeConnection): void {
    this.busy -= 1;
    connection.detach();
    connection.lastUsedMs = Date.now();
    if (this.closed || !connection.usable || this.warm() >= this.options.maxIdle) void connection.close('pool full');
    else this.enterIdle(connection);
    this.report();
  }

  /** The task failed or was cancelled: close the socket now; resolves once it is closed. */
  discard(connection: DashScopeConnection): Promise<void> {
    this.busy -= 1;
    connection.detach();
    this.report();
    return connection.close('cancelled');
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refillTimer) clearTimeout(this.refillTimer);
    await Promise.all([...this.idle.slice().map((entry) => this.closeIdle(entry)), this.preStarted?.close()]);
  }

  /** Warm sockets: plain idle ones and those holding a pre-started task. */
  private warm(): number {
    return this.idle.length + (this.preStarted?.allSockets() ?? 0);
  }

  /** Warm sockets that count towards `minIdle` (a pre-started task being renewed does not). */
  private warmCounted(): number {
    return this.idle.length + (this.preStarted?.heldSockets() ?? 0);
  }

  /** Lend an open plain idle socket to a pre-started task. */
  private borrowIdle(): DashScopeConnection | undefined {
    for (let entry = this.idle.pop(); entry; entry = this.idle.pop()) {
      this.leaveIdle(entry);
      if (entry.connection.usable) return entry.connection;
      void entry.connection.close('stale');
      this.refill('replace');
    }
    return undefined;
  }

  private open(purpose: ConnectionPurpose, signal?: AbortSignal): Promise<DashScopeConnection> {
    this.options.metrics.countConnectionOpened(this.options.engine, purpose);
    return DashScopeConnection.open(this.options.url, this.options.headers, this.options.connectMs, signal);
  }

  private enterIdle(connection: DashScopeConnection): void {
    if (!connection.usable) {
      void connection.close('dead');
      return this.refill('replace');
    }
    const entry: IdleEntry = {
      connection,
      renewTimer: setTimeout(() => this.renew(entry), Math.max(0, this.options.idleRenewMs - (Date.now() - connection.lastUsedMs))),
      pingTimer: setInterval(() => void this.checkAlive(entry), this.options.pingIntervalMs),
      stopWatchingClose: () => {},
    };
    this.idle.push(entry);
    entry.stopWatchingClose = connection.onClose(() => {
      this.removeIdle(entry);
      this.options.logger.debug({ url: this.options.url }, 'idle socket closed; replacing');
      this.refill('replace');
    });
    this.preStarted?.socketAvailable();
  }

  private leaveIdle(entry: IdleEntry): void {
    clearTimeout(entry.renewTimer);
    clearInterval(entry.pingTimer);
    entry.stopWatchingClose();
  }

  private removeIdle(entry: IdleEntry): void {
    this.leaveIdle(entry);
    const index = this.idle.indexOf(entry);
    if (index >= 0) this.idle.splice(index, 1);
    this.report();
  }

  private closeIdle(entry: IdleEntry): Promise<void> {
    this.removeIdle(entry);
    return entry.connection.close('idle');
  }

  private async checkAlive(entry: IdleEntry): Promise<void> {
    if (await entry.connection.ping(this.options.pongTimeoutMs)) return;
    if (!this.idle.includes(entry)) return;
    this.options.logger.warn({ url: this.options.url }, 'idle socket missed a pong; replacing');
    void this.closeIdle(entry);
    this.refill('replace');
  }

  /**
   * Retire a socket before the server's idle timeout. While the pool needs it, the successor
   * is opened first and the old socket stays available until then, so the pool never dips.
   */
  private renew(entry: IdleEntry): void {
    if (!this.idle.includes(entry)) return;
    if (this.closed || this.warmCounted() > this.minIdle) return void this.closeIdle(entry);
    this.opening += 1;
    this.open('renew')
      .then((successor) => {
        if (this.idle.includes(entry)) void this.closeIdle(entry);
        if (this.closed || this.warm() >= this.options.maxIdle) return void successor.close('pool full');
        this.enterIdle(successor);
      })
      .catch((error: unknown) => {
        this.options.onConnectError(error);
        if (this.idle.includes(entry)) void this.closeIdle(entry);
        this.scheduleRefill('renew', error);
      })
      .finally(() => {
        this.opening -= 1;
        this.report();
      });
  }

  private scheduleRefill(purpose: ConnectionPurpose, error: unknown): void {
    const { code, message } = asEngineError(error);
    this.options.logger.warn({ url: this.options.url, code, retryInMs: this.refillDelayMs }, `cannot open a warm socket: ${message}`);
    if (this.refillTimer || this.closed) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.refill(purpose);
    }, this.refillDelayMs);
    this.refillDelayMs = Math.min(REFILL_RETRY_MAX_MS, this.refillDelayMs * 2);
  }

  private refill(purpose: ConnectionPurpose = 'warm'): void {
    if (this.closed || this.refillTimer) return;
    while (this.warmCounted() + this.opening < this.minIdle) {
      this.opening += 1;
      this.open(purpose)
        .then((connection) => {
          this.refillDelayMs = REFILL_RETRY_MIN_MS;
          if (this.closed) return void connection.close('pool closed');
          this.enterIdle(connection);
        })
        .catch((error: unknown) => {
          this.options.onConnectError(error);
          this.scheduleRefill(purpose, error);
        })
        .finally(() => {
          this.opening -= 1;
          this.report();
        });
    }
    this.report();
  }

  private report(): void {
    this.options.metrics.setPoolSize(this.options.engine, this.options.url, this.warm(), this.busy);
  }
}
