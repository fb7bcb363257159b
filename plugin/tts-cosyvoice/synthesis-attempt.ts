/**
 * One attempt at synthesizing the rest of an utterance on one endpoint: wait for the shared
 * limiter, take a socket from the pool, run-task, wait for task-started, send the remaining
 * text one sentence per continue-task, finish-task, and stream binary PCM and word cues
 * until task-finished. Each phase has its own deadline. Unsubscribing closes the socket at
 * once (DashScope has no cancel: finish-task would still synthesize the rest).
 */
import { Observable } from 'rxjs';
import { EngineError } from '../../server/src/core/errors.ts';
import { PhaseDeadline } from '../../server/src/core/resilience/phase-deadline.ts';
import type { AttemptContext } from '../../server/src/core/resilience/resilient-stream.ts';
import { splitSentences } from '../../server/src/core/resilience/text-segmentation.ts';
import type { UpstreamLimiter } from '../../server/src/core/resilience/upstream-limiter.ts';
import type { UtteranceProgress } from '../../server/src/core/resilience/utterance-progress.ts';
import type { SynthesisOutput } from '../../server/src/core/types.ts';
import type { ConnectionPool } from './connection-pool.ts';
import type { ConnectionFrame, DashScopeConnection } from './dashscope-connection.ts';
import { taskFailedError } from './dashscope-errors.ts';
import { continueTaskMessage, finishTaskMessage, newTaskId, runTaskMessage, type ServerEvent } from './dashscope-protocol.ts';
import type { ResolvedCosyVoiceOptions } from './options.ts';
import { dashscopeCharCount, MAX_CHARS_PER_CONTINUE_TASK } from './text-limits.ts';
import { WordClock } from './word-clock.ts';

export interface AttemptDependencies {
  options: ResolvedCosyVoiceOptions;
  limiter: UpstreamLimiter;
  poolFor: (url: string) => ConnectionPool;
}

export function synthesisAttempt$(
  deps: AttemptDependencies,
  voice: string,
  progress: UtteranceProgress,
  { endpoint }: AttemptContext,
): Observable<SynthesisOutput> {
  const { options, limiter } = deps;
  const { metrics, name: engine, deadlines } = options;
  return new Observable<SynthesisOutput>((subscriber) => {
    progress.beginAttempt();
    const sentences = splitSentences(progress.remainingText(), MAX_CHARS_PER_CONTINUE_TASK, dashscopeCharCount);
    if (!sentences.some((s) => s.trim())) return subscriber.complete();

    const pool = deps.poolFor(endpoint.url);
    const taskId = newTaskId();
    const abort = new AbortController();
    const deadline = new PhaseDeadline(endpoint.url, (error) => subscriber.error(error));
    const wordClock = new WordClock(options.wordTimeBase);
    const wordsSent = new Map<number, number>();
    let release: (() => void) | undefined;
    let connection: DashScopeConnection | undefined;
    let taskDone = false;
    let sentenceStartMs = 0;
    let sentenceText: string | undefined;
    let phaseStartedMs = Date.now();
    let firstAudio = true;

    const endPhase = (phase: 'limiter' | 'connect' | 'task-started' | 'first-audio') => {
      const now = Date.now();
      const ms = now - phaseStartedMs;
      metrics.observeFirstPacketMs(engine, phase, ms);
      if (phase === 'limiter' && ms >= 1) metrics.observeThrottledWaitMs(engine, ms);
      phaseStartedMs = now;
    };

    const onTaskStarted = (socket: DashScopeConnection) => {
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
      if (frame.kind === 'audio') return onAudio(frame.pcm);
      const { event } = frame;
      if (event.taskId !== taskId) return;
      switch (event.event) {
        case 'task-started':
          return onTaskStarted(socket);
        case 'result-generated':
          return onResult(event);
        case 'task-finished':
          taskDone = true;
          deadline.clear();
          return subscriber.complete();
        case 'task-failed': {
          metrics.countUpstreamError(engine, event.errorCode);
          const context = { model: options.model, voice, defaultVoice: options.voice };
          return subscriber.error(taskFailedError(event.errorCode, event.errorMessage, context));
        }
      }
    };

    const run = async () => {
      const granted = await limiter.acquire(abort.signal);
      if (subscriber.closed) return granted();
      release = granted;
      endPhase('limiter');
      deadline.arm('connect', deadlines.connectMs);
      const acquired = await pool.acquire(abort.signal);
      if (subscriber.closed) return pool.release(acquired); // unused: still warm
      const socket = (connection = acquired);
      endPhase('connect');
      const dropped = (code: number) =>
        new EngineError('upstream_dropped', `DashScope closed the connection mid-task (code ${code}) at ${endpoint.url}`, true);
      socket.attach({ frame: (frame) => onFrame(socket, frame), closed: (code) => subscriber.error(dropped(code)) });
      if (!socket.usable) throw dropped(1006);
      deadline.arm('task-started', deadlines.taskStartedMs);
      socket.send(runTaskMessage(taskId, { ...options, voice }));
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
