/**
 * One recognition session: the streamer's audio in, sentences out, across as many upstream
 * tasks as it takes. It owns
 * - the audio backlog (bounded): frames stay until a result acknowledges them, so a new task
 *   can be replayed what the last one had not finished;
 * - reconnects: a failed or dropped task is retried with backoff, failing over across ASR_URL
 *   endpoints (circuit breaker each); throttling backs off; a refused key or model fails;
 * - rollovers: before a task has run `rolloverAfterMs`, the next task is started alongside and
 *   takes over at a sentence end (or at the end of the window), replayed from the open
 *   sentence's start: nothing lost, and the ledger drops a final recognized twice;
 * - pauses: no audio for `pauseAfterIdleMs` ends the task before the server's idle timeout;
 *   the next audio starts a new one.
 */
import { BehaviorSubject, Subject } from 'rxjs';
import type { EngineError } from '../../server/src/core/errors.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import { backoffDelayMs } from '../../server/src/core/engine-kit/backoff.ts';
import type { EngineHealth } from '../../server/src/core/engine-kit/engine-health.ts';
import type { Endpoint, EndpointSet } from '../../server/src/core/engine-kit/endpoint-set.ts';
import { CircuitOpenError, failureKind } from '../../server/src/core/engine-kit/resilience-errors.ts';
import { asEngineError, judgeFailure, retryDelayMs } from '../../server/src/core/engine-kit/resilient-stream.ts';
import {
  RECOGNIZER_FRAME_BYTES,
  RECOGNIZER_FRAME_MS,
  type RecognitionResult,
  type RecognizerSession,
  type RecognizerState,
  type RecognizerStatus,
  type RecognizerUsage,
} from '../../server/src/core/recognizer.ts';
import { IDLE_TIMEOUT_CODE } from './asr-errors.ts';
import { AsrTask, type AsrTaskListener } from './asr-task.ts';
import { AudioBacklog, type BackloggedFrame } from './audio-backlog.ts';
import type { ResolvedRecognizerOptions } from './options.ts';
import { type SessionSentence, SentenceLedger } from './sentence-ledger.ts';

export interface SessionDeps {
  id: string;
  options: ResolvedRecognizerOptions;
  endpoints: EndpointSet;
  health: EngineHealth;
  logger: Logger;
  /** The hot-word vocabulary for the next task (read at each run-task), if any. */
  vocabularyId: () => string | undefined;
  onEnded: () => void;
}

/** Socket bytes not yet on the network above which the sender waits (2 s of audio). */
const MAX_SOCKET_BUFFER_BYTES = 20 * RECOGNIZER_FRAME_BYTES;

type TaskReason = 'start' | 'reconnect' | 'resume';

export class DashScopeSession implements RecognizerSession {
  readonly id: string;
  private readonly results = new Subject<RecognitionResult>();
  private readonly statuses: BehaviorSubject<RecognizerStatus>;
  readonly results$;
  readonly status$;
  private readonly backlog: AudioBacklog;
  private readonly ledger: SentenceLedger;
  private readonly abortController = new AbortController();
  private readonly log: Logger;
  /** The task audio goes to. */
  private task: AsrTask | undefined;
  /** A task ending gracefully (pause, finish) whose last results still count. */
  private draining: AsrTask | undefined;
  /** The rollover's next task, started and waiting for a sentence end. */
  private next: AsrTask | undefined;
  private starting = false;
  private finishing = false;
  private failuresInRow = 0;
  private previous: Endpoint | undefined;
  private highestSentIndex = -1;
  private lastWriteMs = Date.now();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private rolloverTimer: ReturnType<typeof setTimeout> | undefined;
  private switchTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly counters: RecognizerUsage = {
    audioWrittenMs: 0,
    audioSentMs: 0,
    audioReplayedMs: 0,
    audioDroppedMs: 0,
    tasksStarted: 0,
    rollovers: 0,
    reconnects: 0,
    finals: 0,
    duplicateFinalsSuppressed: 0,
  };

  constructor(private readonly deps: SessionDeps) {
    this.id = deps.id;
    const { session } = deps.options;
    this.backlog = new AudioBacklog(Math.ceil(session.maxBufferedMs / RECOGNIZER_FRAME_MS));
    this.ledger = new SentenceLedger(session.duplicateToleranceMs);
    this.statuses = new BehaviorSubject<RecognizerStatus>({ state: 'connecting' });
    this.results$ = this.results.asObservable();
    this.status$ = this.statuses.asObservable();
    this.log = deps.logger.child({ session: deps.id });
    // A disabled engine (refused key, closed) fails the session at once, with the reason.
    const refusal = deps.health.refusal();
    if (refusal) {
      this.end({ state: 'failed', error: { code: refusal.code, message: refusal.message } });
      return;
    }
    this.armIdle();
    this.startTask('start');
  }

  private get engine(): string {
    return this.deps.options.name;
  }

  status(): RecognizerStatus {
    return this.statuses.value;
  }

  usage(): RecognizerUsage {
    return { ...this.counters, audioWrittenMs: Math.round(this.backlog.writtenBytes / (RECOGNIZER_FRAME_BYTES / RECOGNIZER_FRAME_MS)) };
  }

  private get ended(): boolean {
    const { state } = this.statuses.value;
    return state === 'stopped' || state === 'failed';
  }

  write(pcm: Uint8Array): void {
    if (this.ended || this.finishing) return;
    const now = Date.now();
    this.lastWriteMs = now;
    const droppedBefore = this.backlog.droppedFrames;
    this.backlog.write(pcm, now);
    this.countDropped(droppedBefore);
    this.armIdle();
    if (this.status().state === 'paused') this.startTask('resume');
    this.pump(this.backlog.unsentFrames <= 1 ? 1 : 0);
  }

  async finish(): Promise<void> {
    if (this.ended || this.finishing) return;
    this.finishing = true;
    clearTimeout(this.idleTimer);
    this.backlog.flushPartial(Date.now());
    if (this.status().state === 'paused' && this.backlog.unsentFrames > 0) this.startTask('resume');
    const { finishMs } = this.deps.options.deadlines;
    const giveUpAtMs = Date.now() + finishMs;
    // Send what is buffered (a task may still be reconnecting), within the finish deadline.
    while (!this.ended && Date.now() < giveUpAtMs && !this.allSent()) {
      this.pump(this.deps.options.session.framesPerTick);
      await delay(this.deps.options.session.tickMs);
    }
    const task = this.task;
    if (task && !this.ended) {
      this.task = undefined;
      this.draining = task;
      await task.finish();
    }
    this.end({ state: 'stopped' });
  }

  /** Nothing left to send: all sent to a running task, or nothing buffered and no task on its way. */
  private allSent(): boolean {
    if (this.backlog.unsentFrames > 0) return false;
    return this.task?.usable === true || (!this.task && !this.starting && this.status().state !== 'reconnecting');
  }

  abort(): void {
    this.end({ state: 'stopped' });
  }

  // ── audio out ───────────────────────────────────────────────────────────

  /** Send up to `budget` frames (live: as they come; catching up: `framesPerTick` per tick). */
  private pump(budget: number): void {
    const task = this.task;
    if (!task?.usable) return;
    const now = Date.now();
    for (let sent = 0; sent < budget && task.bufferedBytes < MAX_SOCKET_BUFFER_BYTES; sent++) {
      const frame = this.backlog.takeNext(now);
      if (!frame) break;
      this.send(task, frame);
    }
    if (!this.ledger.isOpen) this.backlog.ackSentBefore(now - this.deps.options.session.silenceAckMs);
    this.updateTicker();
  }

  private send(task: AsrTask, frame: BackloggedFrame): void {
    task.send(frame);
    const ms = frame.durationMs;
    const replay = frame.index <= this.highestSentIndex;
    this.highestSentIndex = Math.max(this.highestSentIndex, frame.index);
    this.counters.audioSentMs += ms;
    if (replay) this.counters.audioReplayedMs += ms;
    this.deps.options.recognizerMetrics.addAudioSentMs(this.engine, ms, replay);
  }

  /** A ticker runs only while frames wait (after a replay, a reconnect, socket backpressure). */
  private updateTicker(): void {
    const needed = !this.ended && this.task?.usable === true && this.backlog.unsentFrames > 0;
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => this.pump(this.deps.options.session.framesPerTick), this.deps.options.session.tickMs);
    } else if (!needed && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private countDropped(droppedBefore: number): void {
    const frames = this.backlog.droppedFrames - droppedBefore;
    if (frames <= 0) return;
    const ms = frames * RECOGNIZER_FRAME_MS;
    this.counters.audioDroppedMs += ms;
    this.deps.options.recognizerMetrics.addAudioDroppedMs(this.engine, ms);
    this.log.warn({ droppedMs: ms }, 'recognition replay buffer full: oldest audio dropped');
  }

  // ── results in ──────────────────────────────────────────────────────────

  private listenerFor(task: () => AsrTask | undefined): AsrTaskListener {
    return {
      sentence: (s) => {
        const t = task();
        if (t && (t === this.task || t === this.draining)) this.onSentence(s);
      },
      failed: (error) => {
        const t = task();
        if (t && t === this.task) this.onTaskFailed(t, error);
        else if (t && t === this.next) this.onRolloverFailed(error);
      },
    };
  }

  private onSentence(s: SessionSentence): void {
    const { recognizerMetrics: metrics, session } = this.deps.options;
    const result = this.ledger.accept(s);
    if (result === 'duplicate') {
      this.counters.duplicateFinalsSuppressed += 1;
      metrics.countDuplicateFinal(this.engine);
      return;
    }
    if (!result) return;
    metrics.countResult(this.engine, result.kind);
    // A final covers its audio up to its end; a partial's sentence must be replayed from a bit before its start.
    const ackFromMs = result.kind === 'final' ? result.endMs : result.startMs - session.replayMarginMs;
    if (result.kind === 'final') {
      this.counters.finals += 1;
      const writtenAtMs = this.backlog.writtenAtOf(Math.max(0, result.endMs - 1));
      if (writtenAtMs !== undefined) metrics.observeFinalLatencyMs(this.engine, Date.now() - writtenAtMs);
    }
    this.backlog.ackBefore(Math.floor(ackFromMs / RECOGNIZER_FRAME_MS));
    this.results.next(result);
    if (result.kind === 'final' && this.next) this.switchTask();
  }

  // ── tasks ───────────────────────────────────────────────────────────────

  private startTask(reason: TaskReason): void {
    if (this.ended || this.starting) return;
    this.starting = true;
    clearTimeout(this.retryTimer);
    this.setState(reason === 'reconnect' ? 'reconnecting' : 'connecting', this.status().error);
    const endpoint = this.deps.endpoints.acquireNext(this.previous);
    if (!endpoint) {
      // Every circuit is open: wait until one lets a trial through (not a failed attempt of ours).
      this.starting = false;
      const error = new CircuitOpenError(this.engine);
      this.setState('reconnecting', { code: error.code, message: error.message });
      this.retryTimer = setTimeout(() => this.startTask('reconnect'), this.deps.options.breaker.openMs);
      return;
    }
    this.previous = endpoint;
    let task: AsrTask | undefined;
    AsrTask.start(this.taskDeps(endpoint.url), this.listenerFor(() => task), this.abortController.signal).then(
      (started) => {
        task = started;
        this.starting = false;
        this.countTask(reason);
        if (this.ended) return started.close();
        endpoint.breaker.recordSuccess();
        this.failuresInRow = 0;
        this.adopt(started);
      },
      (error: unknown) => {
        this.starting = false;
        if (!this.ended) this.onStartFailed(endpoint, error);
      },
    );
  }

  private taskDeps(url: string) {
    const { options } = this.deps;
    const vocabularyId = this.deps.vocabularyId();
    const parameters = { ...options.parameters, ...(vocabularyId && { vocabularyId }) };
    return { engine: options.name, url, headers: options.headers, parameters, deadlines: options.deadlines, limiter: options.limiter, metrics: options.metrics };
  }

  /** Every task started counts (each took one of the account's task submissions), adopted or not. */
  private countTask(reason: TaskReason | 'rollover'): void {
    this.counters.tasksStarted += 1;
    if (reason === 'reconnect') this.counters.reconnects += 1;
    this.deps.options.recognizerMetrics.countTask(this.engine, reason);
  }

  /** A started task takes the audio: replayed from the oldest unacknowledged frame, then live. */
  private adopt(task: AsrTask): void {
    this.task = task;
    this.ledger.taskSwitched();
    const replayFrames = this.backlog.rewind();
    if (replayFrames > 0) this.log.info({ url: task.url, replayMs: replayFrames * RECOGNIZER_FRAME_MS }, 'replaying unacknowledged audio to the new task');
    this.setState('running');
    this.armRollover(task);
    this.pump(this.deps.options.session.framesPerTick);
  }

  private onTaskFailed(task: AsrTask, error: EngineError): void {
    this.task = undefined;
    this.updateTicker();
    clearTimeout(this.rolloverTimer);
    this.log.warn({ url: task.url, code: error.code }, `recognition task ended: ${error.message}`);
    const idleForMs = Date.now() - this.lastWriteMs;
    if (error.code === IDLE_TIMEOUT_CODE && idleForMs >= this.deps.options.session.tickMs && !this.finishing) {
      this.closeNext();
      return this.setState('paused');
    }
    this.onStartFailed(this.deps.endpoints.endpoints.find((e) => e.url === task.url), error, true);
  }

  /** Classify a failure like the engine kit's retry loop: fatal ends the session, throttling backs off, the rest fails over. */
  private onStartFailed(endpoint: Endpoint | undefined, cause: unknown, afterRunning = false): void {
    const error = asEngineError(cause);
    if (error.code === 'cancelled') return;
    const kind = endpoint ? judgeFailure(endpoint, error) : failureKind(error);
    if (kind === 'fatal') {
      this.deps.health.note(error);
      return this.end({ state: 'failed', error: { code: error.code, message: error.message } });
    }
    this.failuresInRow += 1;
    const { retry, metrics } = this.deps.options;
    if (this.failuresInRow >= retry.maxAttempts) return this.end({ state: 'failed', error: { code: error.code, message: error.message } });
    metrics.countRetry(this.engine, error.code);
    if (kind === 'throttled') this.previous = undefined;
    const delayMs = retryDelayMs(this.failuresInRow, kind === 'throttled', retry, this.deps.options.random);
    this.setState('reconnecting', { code: error.code, message: error.message });
    this.log.warn({ code: error.code, delayMs, afterRunning }, `recognition: reconnecting (${error.message})`);
    this.retryTimer = setTimeout(() => this.startTask('reconnect'), delayMs);
  }

  // ── rollover ────────────────────────────────────────────────────────────

  private armRollover(task: AsrTask): void {
    clearTimeout(this.rolloverTimer);
    const { rolloverAfterMs } = this.deps.options.session;
    this.rolloverTimer = setTimeout(() => this.beginRollover(), Math.max(0, task.startedAtMs + rolloverAfterMs - Date.now()));
  }

  private beginRollover(): void {
    if (this.ended || this.finishing || !this.task || this.next || this.status().state !== 'running') return;
    this.setState('rolling-over');
    const endpoint = this.deps.endpoints.acquireNext();
    if (!endpoint) return this.onRolloverFailed(new CircuitOpenError(this.engine));
    let task: AsrTask | undefined;
    AsrTask.start(this.taskDeps(endpoint.url), this.listenerFor(() => task), this.abortController.signal).then(
      (started) => {
        task = started;
        this.countTask('rollover');
        if (this.ended || !this.task || this.status().state !== 'rolling-over') return started.close();
        endpoint.breaker.recordSuccess();
        this.next = started;
        // No sentence open: this is a sentence boundary already.
        if (!this.ledger.isOpen) return this.switchTask();
        this.switchTimer = setTimeout(() => this.switchTask(), this.deps.options.session.rolloverWindowMs);
      },
      (error: unknown) => {
        judgeFailure(endpoint, error);
        this.onRolloverFailed(asEngineError(error));
      },
    );
  }

  /** The next task could not start: keep the current one and try again after a backoff. */
  private onRolloverFailed(error: EngineError): void {
    this.next = undefined;
    if (this.ended || this.status().state !== 'rolling-over') return;
    this.log.warn({ code: error.code }, `recognition rollover postponed: ${error.message}`);
    this.setState('running');
    clearTimeout(this.rolloverTimer);
    this.rolloverTimer = setTimeout(() => this.beginRollover(), backoffDelayMs(0, this.deps.options.retry, this.deps.options.random));
  }

  private switchTask(): void {
    const next = this.next;
    const old = this.task;
    if (!next) return;
    clearTimeout(this.switchTimer);
    this.next = undefined;
    // The old task's results stop counting now; the next one is replayed from the open sentence's start.
    old?.close();
    this.counters.rollovers += 1;
    this.adopt(next);
  }

  private closeNext(): void {
    clearTimeout(this.switchTimer);
    this.next?.close();
    this.next = undefined;
  }

  // ── idle pause, end ─────────────────────────────────────────────────────

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.pause(), this.deps.options.session.pauseAfterIdleMs);
  }

  /** No audio for a while: end the task gracefully (its finals come out) before the server's idle timeout. */
  private async pause(): Promise<void> {
    const task = this.task;
    if (this.ended || this.finishing || !task || this.backlog.unsentFrames > 0) return;
    clearTimeout(this.rolloverTimer);
    this.closeNext();
    this.task = undefined;
    this.draining = task;
    this.setState('paused');
    await task.finish();
    if (this.draining === task) this.draining = undefined;
  }

  private setState(state: RecognizerState, error?: RecognizerStatus['error']): void {
    const current = this.statuses.value;
    if (current.state === state && current.error === error) return;
    this.statuses.next(error ? { state, error } : { state });
  }

  private end(status: RecognizerStatus): void {
    if (this.ended) return;
    for (const timer of [this.retryTimer, this.rolloverTimer, this.switchTimer, this.idleTimer]) clearTimeout(timer);
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.abortController.abort();
    this.closeNext();
    this.task?.close();
    this.draining?.close();
    this.task = undefined;
    this.draining = undefined;
    this.statuses.next(status);
    this.statuses.complete();
    this.results.complete();
    this.deps.onEnded();
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
