/**
 * Where a streamed utterance stands, so that an attempt that dropped can be resumed from the
 * first sentence not fully received, without repeating audio the listener already has.
 * The clock is the count of samples emitted downstream (the utterance's audio clock); a
 * resumed attempt's audio is trimmed by sample count up to what was already delivered.
 */
import { BYTES_PER_SAMPLE, samplesToMs } from '../clock.ts';
import type { TimedWord } from '../types.ts';

export class UtteranceProgress {
  private deliveredSamples = 0;
  /** Characters of `text` whose audio was completely received. */
  private completedChars = 0;
  /** Utterance sample offset where the audio of `text.slice(completedChars)` starts. */
  private completedSamples = 0;
  private attemptBaseSamples = 0;
  private attemptSamples = 0;
  private lastCueStartMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly text: string,
    readonly sampleRateHz: number,
  ) {}

  /** Text still to synthesize by the next attempt. */
  remainingText(): string {
    return this.text.slice(this.completedChars);
  }

  get emittedSamples(): number {
    return this.deliveredSamples;
  }

  /** Start (or restart) an attempt at the first sentence not fully received. */
  beginAttempt(): void {
    this.attemptBaseSamples = this.completedSamples;
    this.attemptSamples = 0;
  }

  /** Utterance time (ms) of a time on the current attempt's audio clock. */
  toUtteranceMs(attemptMs: number): number {
    return samplesToMs(this.attemptBaseSamples, this.sampleRateHz) + attemptMs;
  }

  /** Audio received in the current attempt, in ms. */
  attemptAudioMs(): number {
    return samplesToMs(this.attemptSamples, this.sampleRateHz);
  }

  /** Record audio of the current attempt; returns the part not delivered before (or undefined). */
  takeAudio(pcm: Uint8Array): Uint8Array | undefined {
    const samples = Math.floor(pcm.byteLength / BYTES_PER_SAMPLE);
    const startSample = this.attemptBaseSamples + this.attemptSamples;
    this.attemptSamples += samples;
    const skipSamples = Math.min(samples, Math.max(0, this.deliveredSamples - startSample));
    if (skipSamples === samples) return undefined;
    this.deliveredSamples = startSample + samples;
    return skipSamples === 0 ? pcm : pcm.slice(skipSamples * BYTES_PER_SAMPLE);
  }

  /**
   * The current attempt received all audio of `sentence`. Advances the resume point when the
   * sentence is the next text; otherwise (the upstream rewrote it) keeps the old one:
   * resuming earlier is safe, trimming by sample count drops what was already delivered.
   */
  completeSentence(sentence: string): void {
    const needle = sentence.trim();
    const rest = this.text.slice(this.completedChars);
    const leading = rest.length - rest.trimStart().length;
    if (!needle || !rest.startsWith(needle, leading)) return;
    const after = rest.slice(leading + needle.length);
    this.completedChars = this.text.length - after.trimStart().length;
    this.completedSamples = this.attemptBaseSamples + this.attemptSamples;
  }

  /** Words on the utterance clock not sent before (a resumed attempt repeats a sentence's words). */
  takeWords(words: readonly TimedWord[]): TimedWord[] {
    const fresh = words.filter((w) => w.startMs > this.lastCueStartMs + 0.5);
    const last = fresh[fresh.length - 1];
    if (last) this.lastCueStartMs = last.startMs;
    return fresh;
  }
}
