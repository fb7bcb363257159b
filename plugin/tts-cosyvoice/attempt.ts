/**
 * One attempt at synthesizing the rest of an utterance on one endpoint: wait for the shared
 * limiter, take a socket from the pool, run-task, wait for task-started, send the remaining
 * text one sentence per continue-task, finish-task, and stream binary PCM and word cues
 * until task-finished. Each phase has its own deadline. Unsubscribing closes the socket at
 * once (DashScope has no cancel: finish-task would still synthesize the rest).
 *
 * Hot path: when the pool holds a pre-started task run with exactly this request's
 * parameters, the attempt takes it over (socket and limiter grant) and sends its text at
 * once: no limiter wait, no run-task round trip. If that task turns out to be unusable
 * before it answered (it fails or misses task-started, or its socket closes), the attempt
 * falls back to the normal path at once, without counting a failed attempt.
 */
import { Observable } from 'rxjs';
import { EngineError } from '../../server/src/core/errors.ts';
import { PhaseDeadline } from '../../server/src/core/engine-kit/phase-deadline.ts';
import type { DeadlineExceededError } from '../../server/src/core/engine-kit/resilience-errors.ts';
import type { AttemptContext } from '../../server/src/core/engine-kit/resilient-stream.ts';
import { splitSentences } from '../../server/src/core/engine-kit/text-segmentation.ts';
import type { UtteranceProgress } from '../../server/src/core/engine-kit/utterance-progress.ts';
import type { SynthesisOutput } from '../../server/src/core/types.ts';
import type { ConnectionPool } from './connection-pool.ts';
import type { ConnectionFrame, DashScopeConnection } from './dashscope-connection.ts';
import { taskFailedError } from './dashscope-errors.ts';
import { continueTaskMessage, finishTaskMessage, newTaskId, runTaskMessage, type ServerEvent } from './dashscope-protocol.ts';
import { type ResolvedCosyVoiceOptions, synthesisParameters } from './options.ts';
import type { PreStartedTask } from './pre-started-tasks.ts';
import type { RequestVoice } from './request-voice.ts';
import { dashscopeCharCount, MAX_CHARS_PER_CONTINUE_TASK } from './text-limits.ts';
import { WordClock } from './word-clock.ts';

export interface AttemptDependencies {
  options: ResolvedCosyVoiceOptions;
  poolFor: (url: string) => ConnectionPool;
}

export function attempt$(
  deps: AttemptDependencies,
  { voice, instruction, clone }: RequestVoice,
  progress: UtteranceProgress,
  { endpoint }: AttemptContext,
): Observable<SynthesisOutput> {
  const { options } = deps;
  const { metrics, name: engine, deadlines, limiter } = options;
  return new Observable<SynthesisOutput>((subscriber) => {
    progress.beginAttempt();
    // DashScope refuses empty text ("text is null").
    const sentences = splitSentences(progress.remainingText(), MAX_CHARS_PER_CONTINUE_TASK, dashscopeCharCount).filter((s) => s.length > 0);
    if (!sentences.some((s) => s.trim())) return subscriber.complete();

    const pool = deps.poolFor(endpoint.url);
    const parameters = synthesisParameters(options, voice, instruction);
    let taskId = '';
    const abort = new AbortController();
    const deadline = new PhaseDeadline(endpoint.url, (error) => onDeadline(error));
    const wordClock = new WordClock(options.wordTimeBase);
    const wordsSent = new Map<number, number>();
    let release: (() => void) | undefined;
    let connection: DashScopeConnection | undefined;
    let taskDone = false;
    let sentenceStartMs = 0;
    let sentenceText: string | undefined;
    let phaseStartedMs = Date.now();
    let firstAudio = true;
    let textSent = false;
    /** The pre-started task taken over, until it answers the text: until then it may still fall back. */
    let preStarted: PreStartedTask | undefined;
    let answered = false;
    const mayFallBack = () => preStarted !== undefined && !answered;

    const observed = new Set<string>();
    const endPhase = (phase: 'limiter' | 'connect' | 'task-started' | 'first-audio') => {
      // After a fall-back from a pre-started task, its normal path's time counts as waiting for task-started.
      if (observed.has(phase)) return;
      observed.add(phase);
      const now = Date.now();
      const ms = now - phaseStartedMs;
      metrics.observeFirstPacketMs(engine, phase, ms);
      if (phase === 'limiter' && ms >= 1) metrics.observeThrottledWaitMs(engine, ms);
      phaseStartedMs = now;
    };

    const onTaskStarted = (socket: DashScopeConnection) => {
      if (textSent) return;
      textSent = true;
      endPhase('task-started');
      deadline.arm('first-audio', deadlines.firstAudioMs);
      for (const sentence of sentences) socket.send(continueTaskMessage(taskId, sentence));
      socket.send(finishTaskMessage(taskId));
    };

    const onAudio = (pcm: Uint8Array) => {
      if (firstAudio) {
        firstAudio = false;
        endPhase('first-audio');
      }
      deadline.arm('stall', deadlines.stallMs);
      const fresh = progress.takeAudio(pcm);
      if (fresh) subscriber.next({ kind: 'audio', pcm: fresh, sampleRateHz: options.sampleRateHz });
    };

    const onResult = (event: Extract<ServerEvent, { event: 'result-generated' }>) => {
      if (event.type === 'sentence-begin') {
        sentenceStartMs = progress.attemptAudioMs();
        sentenceText = event.originalText;
      }
      const index = event.sentenceIndex ?? -1;
      const sent = wordsSent.get(index) ?? 0;
      if (event.words.length > sent) {
        wordsSent.set(index, event.words.length);
        const words = wordClock
          .toTaskMs(event.words, sentenceStartMs)
          .slice(sent)
          .map((w) => ({ text: w.text, startMs: progress.toUtteranceMs(w.startMs), endMs: progress.toUtteranceMs(w.endMs) }));
        const fresh = progress.takeWords(words);
        if (fresh.length > 0) subscriber.next({ kind: 'cue', words: fresh, timing: 'engine' });
      }
      if (event.type === 'sentence-end') progress.completeSentence(event.originalText ?? sentenceText ?? '');
    };

    const onFrame = (socket: DashScopeConnection, frame: ConnectionFrame) => {
      if (frame.kind === 'audio') {
        answered = true;
        return onAudio(frame.pcm);
      }
      const { event } = frame;
      if (event.taskId !== taskId) return;
      switch (event.event) {
        case 'task-started':
          return onTaskStarted(socket);
        case 'result-generated':
          answered = true;
          return onResult(event);
        case 'task-finished':
          taskDone = true;
          deadline.clear();
          return subscriber.complete();
        case 'task-failed': {
          metrics.countUpstreamError(engine, event.errorCode);
          // Before its text, any failure of a pre-started task; after, only its idle timeout racing the text.
          if (mayFallBack() && (!textSent || event.errorCode === 'RequestTimeOut')) return fallBack(`task-failed ${event.errorCode}`);
          const context = { model: options.model, voice, defaultVoice: options.voice, ...(clone ? { cloneId: clone.id } : {}) };
          return subscriber.error(taskFailedError(event.errorCode, event.errorMessage, context));
        }
      }
    };

    const dropped = (code: number) =>
      new EngineError('upstream_dropped', `DashScope closed the connection mid-task (code ${code}) at ${endpoint.url}`, true);
    const onClosed = (code: number) => (mayFallBack() ? fallBack(`socket closed (code ${code})`) : subscriber.error(dropped(code)));
    const onDeadline = (error: DeadlineExceededError) =>
      error.phase === 'task-started' && mayFallBack() ? fallBack('task-started deadline missed') : subscriber.error(error);

    /** The normal path: limiter grant, a pooled socket, run-task. */
    const runNormal = async () => {
      taskId = newTaskId();
      // While it waits, pre-started tasks give way to it (the limiter asks them).
      const granted = await limiter.acquire(abort.signal);
      if (subscriber.closed) return granted();
      release = granted;
      endPhase('limiter');
      deadline.arm('connect', deadlines.connectMs);
      const acquired = await pool.acquire(abort.signal);
      if (subscriber.closed) return pool.release(acquired); // unused: still warm
      const socket = (connection = acquired);
      endPhase('connect');
      socket.attach({ frame: (frame) => onFrame(socket, frame), closed: onClosed });
      if (!socket.usable) throw dropped(1006);
      deadline.arm('task-started', deadlines.taskStartedMs);
      socket.send(runTaskMessage(taskId, parameters));
    };

    /** The pre-started task cannot be used after all: close it and take the normal path now. */
    const fallBack = (why: string) => {
      const socket = connection!;
      const granted = release;
      options.logger.info({ url: endpoint.url, taskId, why }, 'pre-started task unusable; falling back to a fresh task');
      preStarted = undefined;
      connection = undefined;
      release = undefined;
      textSent = false;
      deadline.clear();
      socket.detach();
      // Its slot is released once the socket is closed (the upstream frees the task then).
      void pool.discard(socket).finally(granted);
      runNormal().catch((error: unknown) => subscriber.error(error));
    };

    const run = async () => {
      const taken = pool.takePreStarted(parameters);
      if (!taken) return runNormal();
      preStarted = taken;
      taskId = taken.taskId;
      release = taken.release;
      const socket = (connection = taken.connection);
      endPhase('limiter');
      endPhase('connect');
      socket.attach({ frame: (frame) => onFrame(socket, frame), closed: onClosed });
      if (!socket.usable) return fallBack('socket closed');
      if (taken.started) return onTaskStarted(socket);
      deadline.arm('task-started', Math.max(1, taken.startDeadlineAtMs - Date.now()));
    };
    run().catch((error: unknown) => subscriber.error(error));

    return () => {
      deadline.clear();
      abort.abort();
      if (!connection) return release?.();
      if (taskDone) {
        pool.release(connection);
        return release?.();
      }
      // The upstream frees the task's concurrency slot when the socket is gone: release ours then.
      void pool.discard(connection).finally(release);
    };
  });
}
