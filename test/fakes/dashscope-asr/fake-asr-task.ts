/**
 * One recognition task of the fake DashScope ASR server: follows the scripted speech through
 * the frames it receives (a word is heard once all its frames arrived in this task), answers
 * partials while a sentence is heard and a final after its end plus the VAD silence, in the
 * payload shape of the model asked for (Paraformer, Fun-ASR with sentence_id, Gummy with
 * transcription + translations), with times on the task's own clock; checks the audio's
 * frame size and pacing; ends on finish-task, idle timeout or an injected fault.
 *
 * Real audio (a browser's microphone, where frames cannot carry an index) is followed by its
 * voice instead (`voice` set): a run of frames louder than −40 dBFS is the next scripted
 * sentence not yet finalized anywhere on the server (`voice.nextSentence`), its words spread
 * over the run as it grows (partials) and when it ends (final, after the VAD silence). A task
 * that dies mid-sentence leaves that sentence for the next task, which hears it again from
 * the replayed audio.
 */
import { RECOGNIZER_FRAME_BYTES, RECOGNIZER_FRAME_MS } from '../../../server/src/core/recognizer.ts';
import { frameIndexOf, framesOf, type ScriptedSentence, type ScriptedWord, sentenceText } from './speech-audio.ts';

export interface AsrRunTask {
  taskId: string;
  model: string;
  format: string;
  sampleRateHz: number;
  languageHints: string[];
  vocabularyId?: string;
  heartbeat: boolean;
  transcriptionEnabled: boolean;
  translationEnabled: boolean;
  translateTo: string[];
}

export type PacingFlag =
  | { kind: 'frame-size'; bytes: number }
  | { kind: 'too-fast'; leadMs: number }
  | { kind: 'too-slow'; gapMs: number }
  | { kind: 'audio-before-task-started' };

export interface FakeAsrTaskSettings {
  script: readonly ScriptedSentence[];
  /** Silence after a sentence's last word before its final (the model's VAD), ms. */
  vadSilenceMs: number;
  /** Audio ms the client may send per wall ms (1 = real time; tests speed it up). */
  timeScale: number;
  /** Audio ahead of real time (scaled) beyond which the client is flagged too fast. */
  maxLeadMs: number;
  /** Gap between frames (scaled) beyond which it is flagged too slow. */
  maxGapMs: number;
  idleTimeoutMs: number;
  /** Gummy: send a final's translations in a later event than its transcription (as the service may). */
  lateTranslations: boolean;
  /** Report a final's end (and its last word's) this much before the audio's: a recognizer's imprecise end time. */
  finalEndEarlyMs: number;
  /** Follow real audio by its voice; shared by every task of the server. */
  voice?: { nextSentence: number };
}

/** RMS of a frame of pcm_s16le, 0…1. */
function frameRms(frame: Uint8Array): number {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let sum = 0;
  const n = Math.floor(frame.byteLength / 2);
  for (let i = 0; i < n; i++) sum += (view.getInt16(i * 2, true) / 32768) ** 2;
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

/** −40 dBFS: speech is louder, a quiet room and digital silence are not. */
const VOICED_RMS = 0.01;
/** How long each scripted word takes to appear in the partials of a voiced run. */
const VOICE_WORD_MS = 300;

interface VoicedRun {
  sentence: number;
  /** Positions (frame counts in this task) of the first and the last voiced frame. */
  onset: number;
  last: number;
  silentFrames: number;
  wordsShown: number;
}

export interface FakeAsrTaskIo {
  send(event: string, payload: object, header?: object): void;
  flag(flag: PacingFlag): void;
  ended(outcome: 'finished' | 'failed', code?: string): void;
}

export class FakeAsrTask {
  /** Source frame index → position (frame count) in this task. */
  private readonly positions = new Map<number, number>();
  private received = 0;
  private firstFrameAtMs: number | undefined;
  private lastFrameAtMs: number | undefined;
  /** A frame shorter than 100 ms is fine only as the last one. */
  private previousShortBytes: number | undefined;
  private readonly heardCount = new Map<number, number>();
  private readonly finalized = new Set<number>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private flaggedFast = false;
  private voiced: VoicedRun | undefined;
  private done = false;
  started = false;

  constructor(
    readonly run: AsrRunTask,
    private readonly settings: FakeAsrTaskSettings,
    private readonly io: FakeAsrTaskIo,
  ) {}

  get framesReceived(): number {
    return this.received;
  }

  start(): void {
    this.started = true;
    this.io.send('task-started', {});
    this.armIdle();
  }

  audio(frame: Uint8Array): number | undefined {
    if (this.done) return undefined;
    if (!this.started) this.io.flag({ kind: 'audio-before-task-started' });
    this.checkPacing(frame);
    const index = frameIndexOf(frame);
    this.received += 1;
    this.armIdle();
    if (index === undefined) {
      if (this.settings.voice) this.followVoice(frame, this.received - 1);
      return undefined;
    }
    this.positions.set(index, this.received - 1);
    this.recognize(index);
    return index;
  }

  finish(): void {
    if (this.done) return;
    if (this.voiced) this.endVoicedRun(this.voiced);
    this.settings.script.forEach((s, i) => {
      if (!this.finalized.has(i) && this.heardWords(s).length > 0) this.emit(i, true);
    });
    this.end('finished');
    this.io.send('task-finished', {});
  }

  /** The connection went away. */
  abort(): void {
    this.end('failed', 'connection-closed');
  }

  fail(code: string, message: string): void {
    if (this.done) return;
    this.end('failed', code);
    this.io.send('task-failed', {}, { error_code: code, error_message: message });
  }

  private end(outcome: 'finished' | 'failed', code?: string): void {
    this.done = true;
    clearTimeout(this.idleTimer);
    this.io.ended(outcome, code);
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    const seconds = Math.round(this.settings.idleTimeoutMs / 1000);
    // The Python SDK's SILENCE_TIMEOUT_S = 23; the server's message as the TTS fake sends it.
    this.idleTimer = setTimeout(() => this.fail('RequestTimeOut', `request timeout after ${seconds} seconds.`), this.settings.idleTimeoutMs);
  }

  private checkPacing(frame: Uint8Array): void {
    const now = Date.now();
    if (this.previousShortBytes !== undefined) this.io.flag({ kind: 'frame-size', bytes: this.previousShortBytes });
    this.previousShortBytes = frame.length < RECOGNIZER_FRAME_BYTES ? frame.length : undefined;
    if (frame.length > RECOGNIZER_FRAME_BYTES || frame.length % 2 !== 0) this.io.flag({ kind: 'frame-size', bytes: frame.length });
    this.firstFrameAtMs ??= now;
    const { timeScale, maxLeadMs, maxGapMs } = this.settings;
    if (this.lastFrameAtMs !== undefined) {
      const gapMs = (now - this.lastFrameAtMs) * timeScale;
      if (gapMs > maxGapMs) this.io.flag({ kind: 'too-slow', gapMs });
    }
    this.lastFrameAtMs = now;
    const leadMs = (this.received + 1) * RECOGNIZER_FRAME_MS - (now - this.firstFrameAtMs) * timeScale;
    if (leadMs > maxLeadMs && !this.flaggedFast) {
      this.flaggedFast = true;
      this.io.flag({ kind: 'too-fast', leadMs });
    }
  }

  private heardWords(s: ScriptedSentence) {
    return s.words.filter((w) => {
      const [first, last] = framesOf(w);
      for (let i = first; i <= last; i++) if (!this.positions.has(i)) return false;
      return true;
    });
  }

  private recognize(index: number): void {
    this.settings.script.forEach((s, i) => {
      if (this.finalized.has(i)) return;
      const heard = this.heardWords(s).length;
      const [, lastFrame] = framesOf(s.words.at(-1)!);
      if (heard > 0 && index >= lastFrame + Math.ceil(this.settings.vadSilenceMs / RECOGNIZER_FRAME_MS)) return this.emit(i, true);
      if (heard > (this.heardCount.get(i) ?? 0)) this.emit(i, false);
    });
  }

  private followVoice(frame: Uint8Array, position: number): void {
    const voice = this.settings.voice!;
    if (frameRms(frame) >= VOICED_RMS) {
      if (!this.voiced) {
        if (voice.nextSentence >= this.settings.script.length) return; // the script is over: nothing more is said
        this.voiced = { sentence: voice.nextSentence, onset: position, last: position, silentFrames: 0, wordsShown: 0 };
      }
      const run = this.voiced;
      run.last = position;
      run.silentFrames = 0;
      const total = this.settings.script[run.sentence]!.words.length;
      const due = Math.min(total, Math.floor(((position - run.onset) * RECOGNIZER_FRAME_MS) / VOICE_WORD_MS) + 1);
      if (due > run.wordsShown) {
        run.wordsShown = due;
        this.emitVoiced(run, false);
      }
      return;
    }
    const run = this.voiced;
    if (!run) return;
    run.silentFrames += 1;
    if (run.silentFrames * RECOGNIZER_FRAME_MS >= this.settings.vadSilenceMs) this.endVoicedRun(run);
  }

  private endVoicedRun(run: VoicedRun): void {
    this.voiced = undefined;
    run.wordsShown = this.settings.script[run.sentence]!.words.length;
    this.settings.voice!.nextSentence = Math.max(this.settings.voice!.nextSentence, run.sentence + 1);
    this.emitVoiced(run, true);
  }

  /** The run's sentence with its shown words spread evenly over the run, on this task's clock. */
  private emitVoiced(run: VoicedRun, final: boolean): void {
    const s = this.settings.script[run.sentence]!;
    const startMs = run.onset * RECOGNIZER_FRAME_MS;
    const endMs = (run.last + 1) * RECOGNIZER_FRAME_MS;
    const stepMs = (endMs - startMs) / run.wordsShown;
    const words = s.words.slice(0, run.wordsShown).map((w, j) => ({ ...w, startMs: Math.round(startMs + j * stepMs), endMs: Math.round(startMs + (j + 1) * stepMs) }));
    this.emitWords(run.sentence, final, words, (ms) => ms);
  }

  /** Source ms → this task's clock. */
  private taskMs(sourceMs: number): number {
    const index = Math.floor(sourceMs / RECOGNIZER_FRAME_MS);
    const position = this.positions.get(index) ?? this.positions.get(index - 1) ?? 0;
    return position * RECOGNIZER_FRAME_MS + (sourceMs - index * RECOGNIZER_FRAME_MS);
  }

  private emit(i: number, final: boolean): void {
    const words = this.heardWords(this.settings.script[i]!);
    this.heardCount.set(i, words.length);
    if (final) this.finalized.add(i);
    this.emitWords(i, final, words, (ms) => this.taskMs(ms));
  }

  /** Sentence `i` as heard so far (`words`, timed by `toTaskMs`), in the model's payload shape. */
  private emitWords(i: number, final: boolean, words: readonly ScriptedWord[], toTaskMs: (ms: number) => number): void {
    const s = this.settings.script[i]!;
    const text = sentenceText(words);
    const beginMs = toTaskMs(words[0]!.startMs);
    const early = final ? this.settings.finalEndEarlyMs : 0;
    const endMs = toTaskMs(words.at(-1)!.endMs) - early;
    const wordEndMs = (w: (typeof words)[number]) => toTaskMs(w.endMs) - (w === words.at(-1) ? early : 0);
    const usage = final ? { duration: Math.ceil((this.received * RECOGNIZER_FRAME_MS) / 1000) } : null;
    const model = this.run.model;
    if (model.startsWith('gummy-')) {
      const share = words.length / s.words.length;
      const transcription = {
        sentence_id: i + 1,
        begin_time: beginMs,
        end_time: final ? endMs : null,
        current_time: endMs,
        text,
        words: words.map((w) => ({ text: w.text + w.punctuation, begin_time: toTaskMs(w.startMs), end_time: wordEndMs(w), fixed: final })),
        sentence_end: final,
      };
      const late = final && this.settings.lateTranslations;
      const translations = (translationFinal: boolean) =>
        this.run.translateTo.map((lang) => {
          const full = s.translations[lang] ?? '';
          // A translation still being worked on lags the transcription (half of it, when late).
          const lag = !translationFinal && late ? 0.5 : 1;
          const shown = translationFinal && share === 1 ? full : full.slice(0, Math.floor(full.length * share * lag));
          return { sentence_id: i + 1, lang, begin_time: beginMs, end_time: translationFinal ? endMs : null, current_time: endMs, text: shown, words: [], sentence_end: translationFinal };
        });
      this.io.send('result-generated', { output: { transcription: this.run.transcriptionEnabled ? transcription : null, translations: translations(final && !late) }, usage });
      if (late) this.io.send('result-generated', { output: { transcription: null, translations: translations(true) }, usage: null });
      return;
    }
    const sentence = {
      begin_time: beginMs,
      end_time: final ? endMs : null,
      text,
      heartbeat: false,
      sentence_end: final,
      ...(model.startsWith('fun-asr') ? { sentence_id: i + 1 } : {}),
      words: words.map((w) => ({ begin_time: toTaskMs(w.startMs), end_time: wordEndMs(w), text: w.text, punctuation: w.punctuation })),
    };
    this.io.send('result-generated', { output: { sentence, usage } });
  }
}
