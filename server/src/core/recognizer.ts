/**
 * Speech recognition (ASR) engines: the contract. An engine opens sessions; a session is fed
 * the streamer's voice as 16 kHz mono signed 16-bit little-endian PCM and emits what it
 * recognizes, partial then final per sentence, with word times on the session's own audio
 * clock (0 = the first sample written), optional translations, its state, and its usage.
 * The session owns reconnects and task rollovers: a consumer only writes audio and reads
 * results. Recognition runs (and costs) only while a session is open.
 */
import type { Observable } from 'rxjs';

/** What every recognizer is fed: 16 kHz, mono, pcm_s16le. */
export const RECOGNIZER_SAMPLE_RATE_HZ = 16_000;
/** Audio is sent upstream in frames of this length… */
export const RECOGNIZER_FRAME_MS = 100;
/** …which is this many bytes (1600 samples × 2 bytes). */
export const RECOGNIZER_FRAME_BYTES = (RECOGNIZER_SAMPLE_RATE_HZ / 1000) * RECOGNIZER_FRAME_MS * 2;

export interface RecognizedWord {
  text: string;
  /** Punctuation the recognizer put after the word ('' when none). */
  punctuation: string;
  /** On the session's audio clock. */
  startMs: number;
  endMs: number;
}

export interface RecognizedTranslation {
  /** Target language tag as configured (e.g. "en"). */
  lang: string;
  text: string;
}

/** One sentence as recognized so far (partial) or for good (final). */
export interface RecognitionResult {
  kind: 'partial' | 'final';
  /**
   * Stable for one sentence across its partials and its final, also across a task rollover or
   * a reconnect; unique within the session ("s1", "s2", …). A final is emitted once per id.
   */
  sentenceId: string;
  text: string;
  /** On the session's audio clock. */
  startMs: number;
  endMs: number;
  words: readonly RecognizedWord[];
  /** Empty unless a translation target is configured; may lag the transcription by a result. */
  translations: readonly RecognizedTranslation[];
}

export type RecognizerState =
  /** Opening a socket and starting the first task. */
  | 'connecting'
  /** Audio flows and results come back. */
  | 'running'
  /** Starting the next task before the current one reaches its limit; audio is buffered meanwhile. */
  | 'rolling-over'
  /** The connection or task failed; retrying with backoff, audio buffered for replay. */
  | 'reconnecting'
  /** No audio for a while: the upstream task was ended to stop its idle timeout; the next audio starts a new one. */
  | 'paused'
  /** Given up (bad key, every retry failed); `error` says why. Terminal. */
  | 'failed'
  /** Finished by the consumer. Terminal. */
  | 'stopped';

export interface RecognizerStatus {
  state: RecognizerState;
  /** The error that led here (reconnecting, failed). */
  error?: { code: string; message: string };
}

export interface RecognizerUsage {
  /** Audio written by the consumer. */
  audioWrittenMs: number;
  /** Audio sent upstream, replays included (what the account is billed for, roughly). */
  audioSentMs: number;
  /** Of which replayed after a reconnect or rollover. */
  audioReplayedMs: number;
  /** Audio dropped from the bounded replay buffer before it was acknowledged (may be lost). */
  audioDroppedMs: number;
  /** Upstream tasks started (each counts against the account's task quota). */
  tasksStarted: number;
  rollovers: number;
  reconnects: number;
  /** Finals emitted, and finals recognized twice (after a replay) and suppressed. */
  finals: number;
  duplicateFinalsSuppressed: number;
}

export interface RecognizerSession {
  readonly id: string;
  /** Partials and finals, in order. Completes when the session stops; errors never (see `status$`). */
  readonly results$: Observable<RecognitionResult>;
  /** Current state first, then every change. Completes after 'stopped' or 'failed'. */
  readonly status$: Observable<RecognizerStatus>;
  status(): RecognizerStatus;
  usage(): RecognizerUsage;
  /**
   * Feed audio: 16 kHz mono pcm_s16le, any length (re-framed into 100 ms frames), in real time.
   * Never blocks; what cannot be kept is dropped oldest-first and counted (`audioDroppedMs`).
   */
  write(pcm: Uint8Array): void;
  /** Send what is buffered, end the task so the last sentence comes out final, then stop. */
  finish(): Promise<void>;
  /** Stop at once; results in flight are lost. */
  abort(): void;
}

export interface RecognizerSessionOptions {
  /** A label for logs and metrics (e.g. the captioner's page id). */
  label?: string;
}

/** A hot word: recognized more readily (weight 1–5); `lang` limits it to one language. */
export interface HotWord {
  text: string;
  weight: number;
  lang?: string;
}

/** Where the recognizer's hot words stand (a problem here never stops recognition). */
export interface HotWordsStatus {
  /** `setting`: ASR_VOCABULARY_ID, used as given; `file`: the words of asr-vocabulary.json, synced upstream. */
  source: 'setting' | 'file';
  /** The vocabulary new recognition tasks use; undefined while there is none (no words, or not synced yet). */
  vocabularyId?: string;
  /** Words in the file (0 with `setting`). */
  words: number;
  state: 'ready' | 'syncing' | 'failed' | 'none';
  /** Why the words are not in use, when the last sync failed. */
  error?: string;
}

export interface RecognizerEngine {
  readonly name: string;
  /** The model, and translation targets if any, for the panel. */
  readonly model: string;
  readonly translateTo: readonly string[];
  /** Start recognizing: the returned session is 'connecting' and accepts audio at once (buffered). */
  open(options?: RecognizerSessionOptions): RecognizerSession;
  healthy(): boolean;
  /** Why sessions cannot run (a refused key, every endpoint's circuit open); undefined when healthy. */
  healthReason(): string | undefined;
  /** Its hot words (vocabulary), when it supports them. */
  hotWords?(): HotWordsStatus;
  /** Aborts open sessions. */
  close(): Promise<void>;
}

/** What recognizers report, as plain counters (the composition root maps it to prom-client). */
export interface RecognizerMetrics {
  addAudioSentMs(engine: string, ms: number, replay: boolean): void;
  addAudioDroppedMs(engine: string, ms: number): void;
  countResult(engine: string, kind: RecognitionResult['kind']): void;
  countDuplicateFinal(engine: string): void;
  countTask(engine: string, reason: 'start' | 'rollover' | 'reconnect' | 'resume'): void;
  setSessionsOpen(engine: string, open: number): void;
  /** Time from the end of a sentence's audio to its final, in ms. */
  observeFinalLatencyMs(engine: string, ms: number): void;
}

export const noopRecognizerMetrics: RecognizerMetrics = {
  addAudioSentMs: () => {},
  addAudioDroppedMs: () => {},
  countResult: () => {},
  countDuplicateFinal: () => {},
  countTask: () => {},
  setSessionsOpen: () => {},
  observeFinalLatencyMs: () => {},
};
