import { Observable, type OperatorFunction } from 'rxjs';
import { BYTES_PER_SAMPLE, samplesToMs } from '../core/clock.ts';
import type { OverlayEvent } from '../core/protocol.ts';
import type { SynthesisOutput, TimedWord, Utterance } from '../core/types.ts';

export interface TimelineSummary {
  durationMs: number;
  words: TimedWord[];
  /** ms from subscription to the first audio chunk (upstream first-packet time). */
  firstChunkMs?: number;
}

/**
 * Puts one utterance's engine output on its audio clock: `utterance:start`, then each
 * chunk with seq / offsetMs / durationMs counted in samples, cues as they come, and
 * `utterance:end` with the total duration. `onSummary` receives the words and duration
 * (for history and SRT/VTT) when the engine completes.
 */
export function timeline(
  utterance: Pick<Utterance, 'id' | 'text' | 'user'>,
  sampleRateHz: number,
  onSummary: (s: TimelineSummary) => void = () => {},
  nowMs: () => number = () => performance.now(),
): OperatorFunction<SynthesisOutput, OverlayEvent> {
  const { id } = utterance;
  return (source$) =>
    new Observable<OverlayEvent>((subscriber) => {
      const startedAtMs = nowMs();
      let seq = 0;
      let samples = 0;
      let firstChunkMs: number | undefined;
      const words: TimedWord[] = [];
      subscriber.next({
        type: 'utterance:start',
        data: { id, text: utterance.text, user: utterance.user, sampleRateHz, channels: 1, format: 'pcm_s16le' },
      });
      return source$.subscribe({
        next(out) {
          if (out.kind === 'cue') {
            words.push(...out.words);
            subscriber.next({ type: 'cue', data: { id, words: out.words } });
            return;
          }
          if (out.sampleRateHz !== sampleRateHz) {
            subscriber.error(new Error(`engine changed sample rate mid-utterance (${out.sampleRateHz} != ${sampleRateHz})`));
            return;
          }
          const chunkSamples = out.pcm.byteLength / BYTES_PER_SAMPLE;
          firstChunkMs ??= nowMs() - startedAtMs;
          subscriber.next({
            type: 'audio:chunk',
            data: {
              id,
              seq: seq++,
              pcm: out.pcm,
              offsetMs: samplesToMs(samples, sampleRateHz),
              durationMs: samplesToMs(chunkSamples, sampleRateHz),
            },
          });
          samples += chunkSamples;
        },
        error: (err) => subscriber.error(err),
        complete() {
          const durationMs = samplesToMs(samples, sampleRateHz);
          onSummary({ durationMs, words, firstChunkMs });
          subscriber.next({ type: 'utterance:end', data: { id, durationMs } });
          subscriber.complete();
        },
      });
    });
}
