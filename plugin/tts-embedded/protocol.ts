/**
 * Messages between the engine and its synthesis worker (worker.mjs, plain JavaScript so
 * it runs without a TypeScript loader: keep the two in step).
 */
import type { Segment } from './voices.ts';

/** eSpeak's speaking rate (words per minute) and base pitch (0-100). */
export interface Prosody {
  rateWpm: number;
  pitch: number;
}

/** `workerData` of every worker: the default prosody. */
export interface WorkerSetup extends Prosody {
  /** Int32Array[1]: the engine writes a job number there to cancel that job. */
  cancelBuffer: SharedArrayBuffer;
}

/** An eSpeak NG word event, relative to the segment it was synthesized from. */
export interface WordEvent {
  /** 1-based code point index into the segment text. */
  textPosition: number;
  /** Code points the engine attributes to the word (may run past the word). */
  wordLength: number;
  /** ms from the segment's first sample. */
  audioPositionMs: number;
}

/** One job, with the prosody it is spoken with. */
export interface SynthesizeMessage extends Prosody {
  type: 'synthesize';
  job: number;
  segments: Segment[];
}

export type WorkerMessage =
  | { type: 'ready'; voices: string[]; sampleRateHz: number }
  /** Mono int16 samples in host byte order, copied out of wasm memory. */
  | { type: 'audio'; job: number; samples: Int16Array }
  /** All audio of segment `index` has been posted. */
  | { type: 'segment'; job: number; index: number; words: WordEvent[] }
  /** The job finished or was cancelled: the worker is free. */
  | { type: 'done'; job: number }
  /** The job failed: the worker is free. */
  | { type: 'failed'; job: number; message: string };
