/**
 * Pre-started ("warm") tasks on one endpoint's idle sockets: run-task already sent with the
 * engine's default parameters and task-started received, so a readout in the default voice
 * sends its text at once and saves the run-task round trip.
 *
 * Quota. Starting one is a task submission: it waits for a spare grant of the upstream
 * limiter (a submission token and a concurrency slot) and holds the slot while it idles,
 * since DashScope counts it as a running task. It never keeps a readout waiting: the limiter
 * gives no spare grant while a readout waits (with the Redis limiter, a readout of any
 * process sharing the quota), a readout in the default voice takes the task itself (grant
 * included) instead of waiting, and when a readout waits that no free slot will serve (one
 * that cannot use the task, or one in another process), the limiter asks an idle task to
 * give way (`SpareWork.giveWay`): its socket is closed and its slot released.
 *
 * Renewal. DashScope fails a task that gets no text for 23 s ("request timeout after 23
 * seconds") and then drops the socket. Ending an unused task with finish-task is not
 * documented to work, and DashScope's FAQ lists "Parameter invalid: text is null" (no
 * empty text), so we do not rely on it: an unused task is retired by closing its socket
 * (the server ends the task with the connection; our limiter slot is released once the
 * socket is closed). The fake server enforces exactly this. After `renewAfterMs` a successor
 * is started on another socket and the old task is closed as soon as the successor is
 * ready, or at `retireAfterMs` regardless: make before break, so a default-voice readout
 * always finds one. Each renewal costs one submission token and one background connect
 * (about one per 20 s per task, against a quota of 3 per second).
 *
 * Liveness. Sockets holding a task are pinged like idle ones; one that misses a pong, closes,
 * or whose task fails or misses its task-started deadline is dropped and replaced (after a
 * backoff when tasks keep failing; a refusal that disables the engine, such as a default
 * voice of another model version, reaches the engine's health). A task is handed out only
 * on an open socket that answered its last ping. A readout may take a task still waiting
 * for task-started: it waits no longer than a fresh run-task sent at the same moment would
 * have been allowed to, and falls back to the normal path if it fails.
 */
import type { EngineError } from '../../server/src/core/errors.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import type { ConnectionPurpose, EngineMetrics } from '../../server/src/core/engine-kit/engine-metrics.ts';
import { DeadlineExceededError } from '../../server/src/core/engine-kit/resilience-errors.ts';
import type { ReleaseUpstream, SpareWork, UpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import type { ConnectionFrame, DashScopeConnection } from './dashscope-connection.ts';
import { taskFailedError } from './dashscope-errors.ts';
import { newTaskId, runTaskMessage, sameSynthesisParameters, type SynthesisParameters } from './dashscope-protocol.ts';

/** A pre-started task handed to a readout, with its socket and its limiter grant (both the readout's now). */
export interface PreStartedTask {
  readonly taskId: string;
  readonly connection: DashScopeConnection;
  readonly release: ReleaseUpstream;
  /** task-started already arrived; otherwise the readout waits for it until `startDeadlineAtMs`. */
  readonly started: boolean;
  /** When a task-started still missing counts as a miss (run-task sent + the task-started deadline). */
  readonly startDeadlineAtMs: number;
}

/** What the pool lends the pre-started tasks. */
export interface PreStartHost {
  /** Plain idle sockets ready to lend. */
  idleCount(): number;
  /** Take an open plain idle socket out of the pool, if any. */
  borrowIdle(): DashScopeConnection | undefined;
  /** A socket holding a task was handed to a readout: it is busy now. */
  adopt(connection: DashScopeConnection): void;
  /** The sockets held by tasks changed: top the pool up. */
  changed(purpose: ConnectionPurpose): void;
}

export interface PreStartedTasksOptions {
  url: string;
  engine: string;
  logger: Logger;
  metrics: EngineMetrics;
  limiter: UpstreamLimiter;
  /** The engine's default parameters: a request with exactly these can take a task. */
  parameters: SynthesisParameters;
  taskStartedMs: number;
  /** Age (from run-task) at which a successor is started. */
  renewAfterMs: number;
  /** Age (from run-task) at which the task is closed even without a successor. */
  retireAfterMs: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** A task failed (e.g. a refused key or default voice: the engine's health hears of it). */
  onTaskError: (error: EngineError) => void;
  host: PreStartHost;
}

interface Entry {
  readonly taskId: string;
  readonly connection: DashScopeConnection;
  readonly release: ReleaseUpstream;
  readonly sentAtMs: number;
  started: boolean;
  /** Past `renewAfterMs`: still usable, but no longer counted; a successor replaces it. */
  expiring: boolean;
  readonly timers: Set<ReturnType<typeof setTimeout>>;
  pingTimer: ReturnType<typeof setInterval> | undefined;
}

/** A spare grant asked for, and the task it started (if any). */
interface Grant {
  entry: Entry | undefined;
  /** Asked to give way before its task began. */
  gaveWay: boolean;
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 10_000;

export class PreStartedTasks {
  private readonly entries: Entry[] = [];
  private readonly pending = new Set<AbortController>();
  private target = 0;
  private closed = false;
  private fillScheduled = false;
  private failuresInRow = 0;
  private backoffTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: PreStartedTasksOptions) {}

  /** Sockets held by tasks that count towards the pool's warm sockets (the expiring ones do not). */
  heldSockets(): number {
    return this.entries.filter((e) => !e.expiring).length;
  }

  /** Every socket held by a task. */
  allSockets(): number {
    return this.entries.length;
  }

  stats(): { ready: number; starting: number } {
    const ready = this.entries.filter((e) => e.started).length;
    return { ready, starting: this.entries.length - ready };
  }

  /** How many to keep (0 retires them all: not the preferred endpoint, disabled engine). */
  setTarget(count: number): void {
    this.target = this.closed ? 0 : count;
    for (const controller of [...this.pending]) {
      if (this.fresh() <= this.target) break;
      this.withdraw(controller);
    }
    while (this.fresh() > this.target) {
      const surplus = [...this.entries].reverse().find((e) => !e.expiring) ?? this.entries[0];
      if (!surplus) break;
      this.drop(surplus, 'not needed');
    }
    if (this.target === 0) for (const entry of [...this.entries]) this.drop(entry, 'not needed');
    this.refill();
  }

  /** A plain idle socket became available. */
  socketAvailable(): void {
    this.refill();
  }

  /**
   * Hand a task to a readout whose run-task would carry exactly `parameters`: a ready one
   * (oldest first, so an expiring one is used rather than wasted), else one still starting.
   */
  take(parameters: SynthesisParameters): PreStartedTask | undefined {
    if (this.closed || !sameSynthesisParameters(parameters, this.o.parameters)) return undefined;
    const candidates = [...this.entries].sort((a, b) => Number(b.started) - Number(a.started) || a.sentAtMs - b.sentAtMs);
    for (const entry of candidates) {
      if (!entry.connection.usable) {
        this.drop(entry, 'dead');
        continue;
      }
      const startDeadlineAtMs = entry.sentAtMs + this.o.taskStartedMs;
      if (!entry.started && Date.now() >= startDeadlineAtMs) continue;
      this.remove(entry);
      entry.connection.detach();
      this.o.host.adopt(entry.connection);
      this.o.host.changed('warm');
      this.refill();
      return { taskId: entry.taskId, connection: entry.connection, release: entry.release, started: entry.started, startDeadlineAtMs };
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.target = 0;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    for (const controller of [...this.pending]) this.withdraw(controller);
    await Promise.all([...this.entries].map((entry) => this.drop(entry, 'pool closed')));
  }

  /** Tasks (and grants being waited for) that count towards the target. */
  private fresh(): number {
    return this.heldSockets() + this.pending.size;
  }

  private withdraw(controller: AbortController): void {
    this.pending.delete(controller);
    controller.abort();
  }

  /** Top up, on the next turn (so a burst of readouts arriving together registers first). */
  private refill(): void {
    if (this.fillScheduled || this.closed) return;
    this.fillScheduled = true;
    setTimeout(() => {
      this.fillScheduled = false;
      this.fill();
    }, 0);
  }

  private fill(): void {
    if (this.closed || this.backoffTimer) return;
    while (this.fresh() < this.target && this.o.host.idleCount() > this.pending.size) {
      const controller = new AbortController();
      const grant: Grant = { entry: undefined, gaveWay: false };
      this.pending.add(controller);
      this.o.limiter.acquireSpare(this.spareWork(grant), controller.signal).then(
        (release) => {
          const wanted = this.pending.delete(controller);
          this.begin(grant, release, wanted);
        },
        () => {
          // Withdrawn (not needed any more) or the wait queue is full: tried again later.
          this.pending.delete(controller);
        },
      );
    }
  }

  /** The limiter's handle on a grant: giving way closes its idle task; a task a readout took is no longer spare. */
  private spareWork(grant: Grant): SpareWork {
    return {
      giveWay: () => {
        if (!grant.entry) return (grant.gaveWay = true); // granted, not begun yet: begin() releases it
        if (!this.entries.includes(grant.entry)) return false;
        this.o.logger.debug({ url: this.o.url, taskId: grant.entry.taskId }, 'pre-started task gives its slot to a waiting readout');
        void this.drop(grant.entry, 'gave way');
        return true;
      },
    };
  }

  private begin(grant: Grant, release: ReleaseUpstream, wanted: boolean): void {
    // A readout may have needed the slot since the grant: it is its, not ours.
    if (!wanted || grant.gaveWay || this.closed || this.heldSockets() >= this.target) return release();
    const connection = this.o.host.borrowIdle();
    if (!connection) return release();
    const entry: Entry = (grant.entry = {
      taskId: newTaskId(),
      connection,
      release,
      sentAtMs: Date.now(),
      started: false,
      expiring: false,
      timers: new Set(),
      pingTimer: undefined,
    });
    this.entries.push(entry);
    connection.attach({ frame: (frame) => this.onFrame(entry, frame), closed: (code) => this.onClosed(entry, code) });
    connection.send(runTaskMessage(entry.taskId, this.o.parameters));
    this.after(entry, this.o.taskStartedMs, () => this.failed(entry, new DeadlineExceededError('task-started', this.o.taskStartedMs, this.o.url)));
    entry.pingTimer = setInterval(() => void this.checkAlive(entry), this.o.pingIntervalMs);
    this.o.host.changed('warm');
  }

  private after(entry: Entry, ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      entry.timers.delete(timer);
      action();
    }, Math.max(0, ms));
    entry.timers.add(timer);
  }

  private onFrame(entry: Entry, frame: ConnectionFrame): void {
    if (frame.kind === 'audio') return void this.drop(entry, 'unexpected audio');
    const { event } = frame;
    if (event.taskId !== entry.taskId) return;
    switch (event.event) {
      case 'task-started':
        return this.onStarted(entry);
      case 'task-failed': {
        this.o.metrics.countUpstreamError(this.o.engine, event.errorCode);
        const { voice, model } = this.o.parameters;
        return this.failed(entry, taskFailedError(event.errorCode, event.errorMessage, { model, voice, defaultVoice: voice }));
      }
      default:
        return void this.drop(entry, `unexpected ${event.event}`);
    }
  }

  private onStarted(entry: Entry): void {
    if (entry.started) return;
    for (const timer of entry.timers) clearTimeout(timer);
    entry.timers.clear();
    entry.started = true;
    this.failuresInRow = 0;
    const ageMs = Date.now() - entry.sentAtMs;
    this.after(entry, this.o.renewAfterMs - ageMs, () => this.expire(entry));
    this.after(entry, this.o.retireAfterMs - ageMs, () => void this.drop(entry, 'renewed'));
    // A successor is ready: its expiring predecessor can go.
    const predecessor = this.entries.find((e) => e.expiring);
    if (predecessor) void this.drop(predecessor, 'renewed');
    this.o.host.changed('warm');
  }

  private expire(entry: Entry): void {
    if (!this.entries.includes(entry)) return;
    entry.expiring = true;
    this.o.host.changed('renew');
    this.refill();
  }

  private failed(entry: Entry, error: EngineError): void {
    if (!this.entries.includes(entry)) return;
    this.failuresInRow += 1;
    const delayMs = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (this.failuresInRow - 1));
    this.o.logger.warn(
      { url: this.o.url, code: error.code, retryInMs: delayMs },
      `pre-started task failed (${error.message})`,
    );
    void this.drop(entry, 'failed');
    if (!this.backoffTimer && !this.closed) {
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = undefined;
        this.refill();
      }, delayMs);
    }
    this.o.onTaskError(error);
  }

  /** The socket closed under an idle task (the server ended it, or the network did). */
  private onClosed(entry: Entry, code: number): void {
    if (!this.remove(entry)) return;
    this.o.logger.debug({ url: this.o.url, code }, 'socket of a pre-started task closed; replacing');
    entry.release();
    this.o.host.changed('replace');
    this.refill();
  }

  private async checkAlive(entry: Entry): Promise<void> {
    if (await entry.connection.ping(this.o.pongTimeoutMs)) return;
    if (!this.entries.includes(entry)) return;
    this.o.logger.warn({ url: this.o.url }, 'socket of a pre-started task missed a pong; replacing');
    void this.drop(entry, 'missed pong');
  }

  private remove(entry: Entry): boolean {
    const index = this.entries.indexOf(entry);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    for (const timer of entry.timers) clearTimeout(timer);
    entry.timers.clear();
    if (entry.pingTimer) clearInterval(entry.pingTimer);
    return true;
  }

  /** Close the task's socket (the server ends the task with it); its slot is released once closed. */
  private drop(entry: Entry, reason: string): Promise<void> {
    if (!this.remove(entry)) return Promise.resolve();
    entry.connection.detach();
    const closed = entry.connection.close(reason).finally(entry.release);
    this.o.host.changed(reason === 'renewed' ? 'renew' : 'replace');
    this.refill();
    return closed;
  }
}
