/**
 * Leading-silence trim for an engine's output: the audio before the first audible sample is
 * dropped, so the first sample the overlay schedules is speech (a listener waits for the
 * voice, not for the file). The utterance's clock then starts at that sample: every word cue
 * is shifted by the trimmed time (clamped at 0), so cues, overlay highlighting, history
 * SRT/VTT and CEA-608 captions, which all read these cues, stay on the audio they describe.
 *
 * Bounds: at most `maxTrimMs` is dropped (a longer silence loses only its first `maxTrimMs`);
 * an output that ends while still silent and shorter than that is passed on untouched; while
 * deciding, at most `maxTrimMs` of (silent) audio and `MAX_HELD_CUES` cues are held.
 *
 * Silence: |sample| ≤ `thresholdSample` (default 32 of 32767, −60 dBFS: 40 dB under speech
 * at −20 dBFS, under the noise floor of a streamed mix; eSpeak's lead-in is exact zeros, a
 * neural vocoder's is low-level noise). Only samples at or under it are dropped, so nothing
 * louder than −60 dBFS is ever trimmed, and the cut leaves a step of at most −60 dBFS.
 */
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { BYTES_PER_SAMPLE, msToSamples, samplesToMs } from '../clock.ts';
import type { AudioChunk, SynthesisOutput, WordCue } from '../types.ts';

/** −60 dBFS on the int16 scale. */
export const SILENCE_THRESHOLD_SAMPLE = 32;
/** The most ever trimmed from the start of one synthesis. */
export const MAX_LEADING_TRIM_MS = 300;
/** Cues held while the trim is undecided, beyond which the output passes untrimmed. */
const MAX_HELD_CUES = 256;

export interface LeadingSilenceOptions {
  /** Largest |sample| that counts as silence (int16 scale). */
  thresholdSample?: number;
  maxTrimMs?: number;
  /** Told once how much was trimmed (0 included), e.g. for a metric or a log. */
  onTrim?: (trimmedMs: number) => void;
}

/** Index of the first sample of `pcm` louder than `threshold`, or -1. */
export function firstAudibleSample(pcm: Uint8Array, threshold: number): number {
  const samples = Math.floor(pcm.byteLength / BYTES_PER_SAMPLE);
  const view = new DataView(pcm.buffer, pcm.byteOffset, samples * BYTES_PER_SAMPLE);
  for (let i = 0; i < samples; i++) {
    const v = view.getInt16(i * BYTES_PER_SAMPLE, true);
    if (v > threshold || v < -threshold) return i;
  }
  return -1;
}

/** Word cues moved `ms` earlier on the clock, never before 0. */
export function shiftCue(cue: WordCue, ms: number): WordCue {
  if (ms === 0) return cue;
  const at = (t: number) => Math.max(0, t - ms);
  return { ...cue, words: cue.words.map((w) => ({ ...w, startMs: at(w.startMs), endMs: at(w.endMs) })) };
}

export function trimLeadingSilence(options: LeadingSilenceOptions = {}): MonoTypeOperatorFunction<SynthesisOutput> {
  const threshold = options.thresholdSample ?? SILENCE_THRESHOLD_SAMPLE;
  const maxTrimMs = options.maxTrimMs ?? MAX_LEADING_TRIM_MS;
  return (source$) =>
    new Observable<SynthesisOutput>((subscriber) => {
      /** null once decided; until then what arrived, in order (all its audio silent). */
      let held: SynthesisOutput[] | null = [];
      let heldSamples = 0;
      let heldCues = 0;
      let trimmedMs = 0;

      const decide = (trimSamples: number, sampleRateHz: number): void => {
        trimmedMs = samplesToMs(trimSamples, sampleRateHz);
        options.onTrim?.(trimmedMs);
        const before = held ?? [];
        held = null;
        for (const out of before) if (out.kind === 'cue') subscriber.next(shiftCue(out, trimmedMs));
      };
      const passUntrimmed = (): void => {
        const before = held ?? [];
        held = null;
        options.onTrim?.(0);
        for (const out of before) subscriber.next(out);
      };
      const seek = (chunk: AudioChunk): void => {
        const maxTrimSamples = msToSamples(maxTrimMs, chunk.sampleRateHz);
        const chunkSamples = Math.floor(chunk.pcm.byteLength / BYTES_PER_SAMPLE);
        const audible = firstAudibleSample(chunk.pcm, threshold);
        const silentUntil = heldSamples + (audible < 0 ? chunkSamples : audible);
        if (audible < 0 && silentUntil <= maxTrimSamples) {
          held!.push(chunk);
          heldSamples = silentUntil;
          return;
        }
        const trimSamples = Math.min(silentUntil, maxTrimSamples);
        decide(trimSamples, chunk.sampleRateHz);
        const cutAt = (trimSamples - heldSamples) * BYTES_PER_SAMPLE;
        if (cutAt < chunk.pcm.byteLength) subscriber.next(cutAt === 0 ? chunk : { ...chunk, pcm: chunk.pcm.subarray(cutAt) });
      };

      return source$.subscribe({
        next(out) {
          if (held === null) {
            subscriber.next(out.kind === 'cue' ? shiftCue(out, trimmedMs) : out);
          } else if (out.kind === 'audio') {
            seek(out);
          } else {
            held.push(out);
            if (++heldCues > MAX_HELD_CUES) passUntrimmed();
          }
        },
        error: (err) => subscriber.error(err),
        complete() {
          if (held !== null) passUntrimmed();
          subscriber.complete();
        },
      });
    });
}
