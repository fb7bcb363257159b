/**
 * Which sentences of a readout the listener has completely received, so that another engine
 * can finish it from the first sentence not yet heard. Known from what the engine chain
 * emitted: the audio (counted in samples on the readout's clock) and the word cues (matched
 * in order against the text, letters and digits only). A sentence is heard once the cue of its
 * last word ends within the audio emitted. Without matching cues nothing counts as heard:
 * resuming earlier repeats audio, it never skips text.
 */
import { samplesToMs } from '../clock.ts';
import type { TimedWord } from '../types.ts';
import { splitSentences } from './text-segmentation.ts';

/** Cue times are whole or fractional ms; an end this close to the audio's end is inside it. */
const END_TOLERANCE_MS = 1;

const letters = (text: string): string => (text.match(/[\p{L}\p{N}]/gu) ?? []).join('').toLowerCase();

export class HeardSentences {
  readonly sentences: readonly string[];
  /** Letters of the whole text, and where each sentence's letters end in it. */
  private readonly textLetters: string;
  private readonly sentenceEnds: number[];
  private emittedSamples = 0;
  /** Letters matched by cues so far, and when (ms) each matched word ended. */
  private matched = 0;
  private readonly wordEnds: { letters: number; endMs: number }[] = [];
  /** A cue that did not match the text: later cues of this engine teach nothing. */
  private lost = false;

  constructor(
    text: string,
    readonly sampleRateHz: number,
  ) {
    this.sentences = splitSentences(text);
    this.textLetters = letters(text);
    let end = 0;
    this.sentenceEnds = this.sentences.map((s) => (end += letters(s).length));
  }

  /** Audio emitted so far, in ms on the readout's clock. */
  get emittedMs(): number {
    return samplesToMs(this.emittedSamples, this.sampleRateHz);
  }

  addAudio(samples: number): void {
    this.emittedSamples += samples;
  }

  /** Words emitted, on the readout's clock, in order. */
  addWords(words: readonly TimedWord[]): void {
    for (const word of words) {
      if (this.lost) return;
      const needle = letters(word.text);
      if (!needle) continue;
      if (!this.textLetters.startsWith(needle, this.matched)) {
        this.lost = true;
        return;
      }
      this.matched += needle.length;
      this.wordEnds.push({ letters: this.matched, endMs: word.endMs });
    }
  }

  /** Index of the first sentence not completely heard (`sentences.length` when all were). */
  firstUnheard(): number {
    const heardUntilMs = this.emittedMs + END_TOLERANCE_MS;
    let word = 0;
    for (const [index, end] of this.sentenceEnds.entries()) {
      while (word < this.wordEnds.length && this.wordEnds[word]!.letters < end) word++;
      const last = this.wordEnds[word];
      const heard = end === 0 || (last !== undefined && last.endMs <= heardUntilMs);
      if (!heard) return index;
    }
    return this.sentences.length;
  }

  /** Another engine speaks from sentence `index` on: matching restarts there. Returns that text. */
  resumeAt(index: number): string {
    const start = index === 0 ? 0 : this.sentenceEnds[index - 1]!;
    this.matched = start;
    this.lost = false;
    while (this.wordEnds.length > 0 && this.wordEnds[this.wordEnds.length - 1]!.letters > start) this.wordEnds.pop();
    return this.sentences.slice(index).join('');
  }
}
