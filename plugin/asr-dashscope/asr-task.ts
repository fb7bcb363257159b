/**
 * One upstream recognition task on its own socket: a limiter grant (the account's task
 * quota), connect and run-task each under a deadline, task-started, then binary audio frames
 * in and results out on the session's clock, until finish-task → task-finished, a failure,
 * or the session abandons it. Gummy translations are merged into their sentence; a final
 * waits (one sentence at most) until its translations are final too.
 */
import { DuplexSocket } from '../../server/src/core/dashscope/duplex-socket.ts';
import { finishTaskMessage, newTaskId, parseServerFrame, type ServerEventFrame } from '../../server/src/core/dashscope/duplex-header.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import type { EngineMetrics } from '../../server/src/core/engine-kit/engine-metrics.ts';
import { PhaseDeadline } from '../../server/src/core/engine-kit/phase-deadline.ts';
import { asEngineError } from '../../server/src/core/engine-kit/resilient-stream.ts';
import type { ReleaseUpstream, UpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import { ASR_SETTINGS, asrTaskFailedError } from './asr-errors.ts';
import type { BackloggedFrame } from './audio-backlog.ts';
import { parseResult, type RecognitionParameters, runTaskMessage, type UpstreamResult, type UpstreamSentence } from './protocol.ts';
import type { SessionSentence } from './sentence-ledger.ts';
import { TaskClock } from './task-clock.ts';

export interface AsrDeadlines {
  /** DNS + TCP + TLS + WebSocket upgrade. */
  connectMs: number;
  /** run-task → task-started. */
  taskStartedMs: number;
  /** finish-task → task-finished (the last sentence's final). */
  finishMs: number;
}

export interface AsrTaskDeps {
  engine: string;
  url: string;
  headers: Record<string, string>;
  parameters: RecognitionParameters;
  deadlines: AsrDeadlines;
  limiter: UpstreamLimiter;
  metrics: EngineMetrics;
}

export interface AsrTaskListener {
  sentence(sentence: SessionSentence): void;
  /** The task failed or its socket closed after it started (not after finish() resolved or close()). */
  failed(error: EngineError): void;
}

export class AsrTask {
  readonly clock = new TaskClock();
  readonly startedAtMs = Date.now();
  private ended = false;
  private finishing: { resolve: () => void } | undefined;
  private readonly translations = new Map<string, Map<string, { text: string; final: boolean }>>();
  private pendingFinal: UpstreamSentence | undefined;

  private constructor(
    private readonly deps: AsrTaskDeps,
    readonly taskId: string,
    private readonly socket: DuplexSocket,
    private readonly release: ReleaseUpstream,
    private readonly listener: AsrTaskListener,
  ) {}

  /** Rejects with a typed error (throttled, auth, deadline, task-failed) when the task does not start. */
  static async start(deps: AsrTaskDeps, listener: AsrTaskListener, signal: AbortSignal): Promise<AsrTask> {
    const waitStartMs = Date.now();
    const release = await deps.limiter.acquire(signal);
    const waitedMs = Date.now() - waitStartMs;
    if (waitedMs >= 1) deps.metrics.observeThrottledWaitMs(deps.engine, waitedMs);
    let socket: DuplexSocket | undefined;
    try {
      const connectStartMs = Date.now();
      socket = await DuplexSocket.open({ url: deps.url, headers: deps.headers, timeoutMs: deps.deadlines.connectMs, signal, settings: ASR_SETTINGS });
      deps.metrics.countConnectionOpened(deps.engine, 'cold');
      deps.metrics.observeFirstPacketMs(deps.engine, 'connect', Date.now() - connectStartMs);
      const taskId = newTaskId();
      const runStartMs = Date.now();
      await awaitTaskStarted(socket, taskId, deps, signal);
      deps.metrics.observeFirstPacketMs(deps.engine, 'task-started', Date.now() - runStartMs);
      const task = new AsrTask(deps, taskId, socket, release, listener);
      task.listen();
      return task;
    } catch (error) {
      release();
      void socket?.close('task not started');
      throw error;
    }
  }

  private listen(): void {
    this.socket.attach({
      binary: () => {},
      text: (text) => {
        const frame = parseServerFrame(text);
        if (!frame || frame.taskId !== this.taskId || this.ended) return;
        if (frame.event === 'result-generated') {
          const result = parseResult(frame);
          if (result) this.onResult(result);
        } else if (frame.event === 'task-finished') {
          this.flushPending();
          this.end(); // answers finish()
        } else if (frame.event === 'task-failed') {
          this.fail(taskFailed(frame, this.deps));
        }
      },
      closed: (code) => this.fail(new EngineError('upstream_dropped', `DashScope closed the recognition connection mid-task (code ${code}) at ${this.deps.url}`, true)),
    });
  }

  get url(): string {
    return this.deps.url;
  }

  /** Bytes the socket has not handed to the network yet. */
  get bufferedBytes(): number {
    return this.socket.bufferedBytes;
  }

  get usable(): boolean {
    return !this.ended && this.socket.usable;
  }

  send(frame: BackloggedFrame): void {
    if (!this.usable) return;
    this.socket.sendBinary(frame.pcm);
    this.clock.sent(frame.index, frame.durationMs);
  }

  /** finish-task, then wait for task-finished (every final out) within the deadline; the socket is closed after. */
  finish(): Promise<void> {
    if (!this.usable) {
      this.close();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.close();
        resolve();
      }, this.deps.deadlines.finishMs);
      this.finishing = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.socket.send(finishTaskMessage(this.taskId));
    });
  }

  /** Abandon the task now: no more results, the socket closed (DashScope ends the task with it). */
  close(): void {
    this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.detach();
    void this.socket.close('task done').finally(this.release);
    this.finishing?.resolve();
  }

  private fail(error: EngineError): void {
    if (this.ended) return;
    this.flushPending();
    this.end();
    this.listener.failed(error);
  }

  private onResult(result: UpstreamResult): void {
    for (const t of result.translations) {
      const byLang = this.translations.get(t.key ?? '') ?? new Map<string, { text: string; final: boolean }>();
      byLang.set(t.lang, { text: t.text, final: t.final });
      this.translations.set(t.key ?? '', byLang);
    }
    const { sentence } = result;
    if (this.pendingFinal && (sentence?.key !== this.pendingFinal.key || this.translationsFinal(this.pendingFinal.key))) this.flushPending();
    // A repeat of the held final (its translations still coming) adds nothing.
    if (!sentence || (this.pendingFinal && sentence.key === this.pendingFinal.key)) return;
    if (sentence.final && !this.translationsFinal(sentence.key)) {
      this.pendingFinal = sentence;
      return;
    }
    this.emit(sentence);
  }

  private translationsFinal(key: string | undefined): boolean {
    const wanted = this.deps.parameters.translateTo;
    if (wanted.length === 0) return true;
    const byLang = this.translations.get(key ?? '');
    return wanted.every((lang) => byLang?.get(lang)?.final === true);
  }

  private flushPending(): void {
    const pending = this.pendingFinal;
    this.pendingFinal = undefined;
    if (pending) this.emit(pending);
  }

  private emit(s: UpstreamSentence): void {
    const toSession = (ms: number) => this.clock.toSessionMs(ms);
    const byLang = this.translations.get(s.key ?? '');
    const translations = this.deps.parameters.translateTo.flatMap((lang) => {
      const t = byLang?.get(lang);
      return t ? [{ lang, text: t.text }] : [];
    });
    if (s.final) this.translations.delete(s.key ?? '');
    // Bounded: translations of sentences that never got a final are forgotten after a few.
    while (this.translations.size > 8) this.translations.delete(this.translations.keys().next().value!);
    this.listener.sentence({
      taskId: this.taskId,
      key: s.key,
      final: s.final,
      text: s.text,
      startMs: toSession(s.beginMs),
      endMs: toSession(s.endMs),
      words: s.words.map((w) => ({ text: w.text, punctuation: w.punctuation, startMs: toSession(w.beginMs), endMs: toSession(w.endMs) })),
      translations,
    });
  }
}

/** A task-failed frame, counted, as its typed error. */
function taskFailed(frame: ServerEventFrame, deps: AsrTaskDeps): EngineError {
  deps.metrics.countUpstreamError(deps.engine, frame.errorCode);
  return asrTaskFailedError(frame.errorCode, frame.errorMessage, deps.parameters.model);
}

/** run-task, then task-started within the deadline; task-failed or a close before it rejects. */
function awaitTaskStarted(socket: DuplexSocket, taskId: string, deps: AsrTaskDeps, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const deadline = new PhaseDeadline(deps.url, (error) => done(error));
    const onAbort = () => done(new EngineError('cancelled', 'recognition session stopped', false));
    const done = (error?: unknown) => {
      deadline.clear();
      signal.removeEventListener('abort', onAbort);
      socket.detach();
      if (error) reject(asEngineError(error));
      else resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.attach({
      binary: () => {},
      text: (text) => {
        const frame = parseServerFrame(text);
        if (frame?.taskId !== taskId) return;
        if (frame.event === 'task-started') done();
        if (frame.event === 'task-failed') done(taskFailed(frame, deps));
      },
      closed: (code) => done(new EngineError('upstream_dropped', `DashScope closed the connection before task-started (code ${code})`, true)),
    });
    deadline.arm('task-started', deps.deadlines.taskStartedMs);
    socket.send(runTaskMessage(taskId, deps.parameters));
  });
}
