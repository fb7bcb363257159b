/**
 * One synthesis task inside the fake DashScope server: waits for text, cuts it into
 * sentences, and streams each as interleaved result-generated events and binary PCM
 * frames, with word timings; applies the task's injected faults and protocol limits.
 *
 * As the real service does (DashScope's CosyVoice FAQ): a task that gets no text for the
 * idle timeout fails with "request timeout after 23 seconds" and the server drops the
 * WebSocket; empty text is refused ("Parameter invalid: text is null"), and so is a
 * finish-task on a task that never got any text; a client cannot end an unused task
 * cleanly, only by closing its socket.
 */
import { dashscopeCharCount } from '../../../plugin/tts-cosyvoice/text-limits.ts';
import { splitSentences } from '../../../server/src/core/engine-kit/text-segmentation.ts';
import type { TaskFault } from './faults.ts';
import { synthesizeSentence } from './synthetic-voice.ts';
import type { RunTask } from './validate-client-message.ts';

export interface TaskSettings {
  frameMs: number;
  frameIntervalMs: number;
  jitterMs: () => number;
  modelFirstPacketMs: () => number;
  wordTimeBase: 'task' | 'sentence';
  maxCharsPerMessage: number;
  maxCharsPerTask: number;
  idleTimeoutMs: number;
}

export interface TaskChannel {
  sendEvent(event: string, payload: object, header?: object): void;
  sendAudio(bytes: Uint8Array): void;
  /** Cut the connection without a close frame. */
  drop(): void;
  /** Close the connection with a close frame (after the events already sent). */
  close(code: number, reason: string): void;
  ended(outcome: 'finished' | 'failed', code?: string): void;
}

const SENTENCE_COMPLETE = /[。！？!?；;….\n]["'”’」』)）]*\s*$/u;

export class FakeTask {
  private started = false;
  private finishing = false;
  private ended = false;
  private synthesizing = false;
  private buffer = '';
  private chars = 0;
  private touched = false;
  private readonly sentences: string[] = [];
  private sentenceIndex = 0;
  private taskAudioSamples = 0;
  private framesSent = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    readonly run: RunTask,
    private readonly settings: TaskSettings,
    private readonly channel: TaskChannel,
    private readonly faults: TaskFault[],
  ) {}

  get isStarted(): boolean {
    return this.started;
  }

  /** No continue-task or finish-task yet: a task only run (e.g. pre-started by the client). */
  get isUntouched(): boolean {
    return !this.touched;
  }

  start(): void {
    const stall = this.fault('stall-before-task-started');
    void this.wait(stall?.ms ?? 0).then(() => {
      if (this.ended) return;
      this.started = true;
      this.channel.sendEvent('task-started', {});
      this.armIdleTimer();
    });
  }

  continueWith(text: string): void {
    this.touched = true;
    if (!this.started) return this.fail('InvalidParameter', 'continue-task received before task-started; wait for task-started');
    if (text.length === 0) return this.fail('InvalidParameter', 'Parameter invalid: text is null');
    const count = dashscopeCharCount(text);
    if (count > this.settings.maxCharsPerMessage) {
      return this.fail('InvalidParameter', `text exceeds ${this.settings.maxCharsPerMessage} characters in one continue-task`);
    }
    this.chars += count;
    if (this.chars > this.settings.maxCharsPerTask) {
      return this.fail('InvalidParameter', `text exceeds ${this.settings.maxCharsPerTask} characters in one task`);
    }
    this.armIdleTimer();
    this.buffer += text;
    const pieces = splitSentences(this.buffer);
    const last = pieces[pieces.length - 1] ?? '';
    const complete = SENTENCE_COMPLETE.test(last) ? pieces : pieces.slice(0, -1);
    this.buffer = SENTENCE_COMPLETE.test(last) ? '' : last;
    this.enqueue(complete);
  }

  finish(): void {
    this.touched = true;
    if (this.chars === 0) return this.fail('InvalidParameter', 'Parameter invalid: text is null');
    this.finishing = true;
    this.clearIdleTimer();
    const rest = this.buffer;
    this.buffer = '';
    this.enqueue(rest.trim() ? [rest] : []);
  }

  fail(code: string, message: string): void {
    if (this.ended) return;
    this.channel.sendEvent('task-failed', {}, { error_code: code, error_message: message });
    this.end('failed', code);
  }

  /** The connection went away. */
  abort(): void {
    this.end('failed', 'connection-closed');
  }

  private end(outcome: 'finished' | 'failed', code?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.clearIdleTimer();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.channel.ended(outcome, code);
  }

  private fault<K extends TaskFault['kind']>(kind: K): Extract<TaskFault, { kind: K }> | undefined {
    return this.faults.find((f) => f.kind === kind) as Extract<TaskFault, { kind: K }> | undefined;
  }

  private armIdleTimer(): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      const seconds = Math.round(this.settings.idleTimeoutMs / 100) / 10;
      this.fail('RequestTimeOut', `request timeout after ${seconds} seconds.`);
      this.channel.close(1000, 'request timeout');
    }, this.settings.idleTimeoutMs);
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Resolves after `ms` (never, if the task ends first or ms is infinite). */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (!Number.isFinite(ms)) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private enqueue(sentences: string[]): void {
    this.sentences.push(...sentences.filter((s) => s.trim()));
    if (!this.synthesizing) void this.synthesizeQueued();
  }

  private async synthesizeQueued(): Promise<void> {
    this.synthesizing = true;
    while (!this.ended && this.sentences.length > 0) await this.synthesizeSentence(this.sentences.shift()!);
    this.synthesizing = false;
    if (!this.ended && this.finishing && this.sentences.length === 0) {
      this.channel.sendEvent('task-finished', { output: null, usage: { characters: this.chars } });
      this.end('finished');
    }
  }

  private async synthesizeSentence(text: string): Promise<void> {
    const { run, settings } = this;
    const index = this.sentenceIndex++;
    const voice = synthesizeSentence(text, { sampleRateHz: run.sampleRateHz, rate: run.rate, pitch: run.pitch, volume: run.volume });
    if (index === 0) await this.wait(settings.modelFirstPacketMs() + (this.fault('stall-before-first-audio')?.ms ?? 0));
    if (this.ended) return;
    const output = (type: string, words: object[]) => ({ output: { type, sentence: { index, words }, original_text: text } });
    this.channel.sendEvent('result-generated', output('sentence-begin', []));
    const frameSamples = Math.round((settings.frameMs * run.sampleRateHz) / 1000);
    for (let at = 0; at < voice.samples.length; at += frameSamples) {
      const frame = voice.samples.subarray(at, at + frameSamples);
      this.channel.sendEvent('result-generated', output('sentence-synthesis', []));
      this.channel.sendAudio(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
      this.framesSent += 1;
      const drop = this.fault('drop-after-audio-frames');
      if (drop && this.framesSent >= drop.frames) {
        this.channel.drop();
        return this.abort();
      }
      const failure = this.fault('task-failed');
      if (failure?.afterAudioFrames !== undefined && this.framesSent >= failure.afterAudioFrames) {
        return this.fail(failure.code, failure.message);
      }
      await this.wait(settings.frameIntervalMs + settings.jitterMs());
      if (this.ended) return;
    }
    const offsetSamples = settings.wordTimeBase === 'task' ? this.taskAudioSamples : 0;
    const ms = (samples: number) => Math.round(((offsetSamples + samples) * 1000) / run.sampleRateHz);
    const words = run.wordTimestamps
      ? voice.words.map((w) => ({
          text: w.text,
          begin_index: w.beginIndex,
          end_index: w.endIndex,
          begin_time: ms(w.beginSample),
          end_time: ms(w.endSample),
        }))
      : [];
    this.taskAudioSamples += voice.samples.length;
    this.channel.sendEvent('result-generated', { ...output('sentence-end', words), usage: { characters: this.chars } });
  }
}
