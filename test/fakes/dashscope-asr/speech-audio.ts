/**
 * Test "speech" the fake recognizer can follow: every 100 ms frame (1600 samples of 16 kHz
 * pcm_s16le) carries its own index on the source clock (each sample = index + 1), so the fake
 * knows which stretch of the script it is hearing, also when a client replays or loses audio.
 * The script says what was said when, with word times on the same source clock.
 */
import { RECOGNIZER_FRAME_BYTES, RECOGNIZER_FRAME_MS } from '../../../server/src/core/recognizer.ts';

export function speechFrame(index: number): Uint8Array {
  const frame = new Uint8Array(RECOGNIZER_FRAME_BYTES);
  const view = new DataView(frame.buffer);
  for (let i = 0; i < RECOGNIZER_FRAME_BYTES; i += 2) view.setInt16(i, (index % 32_000) + 1, true);
  return frame;
}

/** The source index a frame carries; undefined for anything that is not a whole speech frame. */
export function frameIndexOf(frame: Uint8Array): number | undefined {
  if (frame.length !== RECOGNIZER_FRAME_BYTES) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const first = view.getInt16(0, true);
  const last = view.getInt16(RECOGNIZER_FRAME_BYTES - 2, true);
  return first === last && first > 0 ? first - 1 : undefined;
}

export interface ScriptedWord {
  text: string;
  punctuation: string;
  /** On the source clock. */
  startMs: number;
  endMs: number;
}

export interface ScriptedSentence {
  words: ScriptedWord[];
  /** Translations of the whole sentence, by target language. */
  translations: Record<string, string>;
}

/** A sentence of words `wordMs` long each from `startMs`, the last with `punctuation`. */
export function scriptedSentence(startMs: number, words: readonly string[], translations: Record<string, string> = {}, wordMs = 300, punctuation = '。'): ScriptedSentence {
  return {
    words: words.map((text, i) => ({ text, punctuation: i === words.length - 1 ? punctuation : '', startMs: startMs + i * wordMs, endMs: startMs + (i + 1) * wordMs })),
    translations,
  };
}

export const sentenceText = (words: readonly ScriptedWord[]): string => words.map((w) => w.text + w.punctuation).join('');

/** Frames [first, last] of the source clock a word occupies. */
export function framesOf(word: ScriptedWord): [number, number] {
  return [Math.floor(word.startMs / RECOGNIZER_FRAME_MS), Math.ceil(word.endMs / RECOGNIZER_FRAME_MS) - 1];
}
