import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { pcmBytesToMs } from '../core/clock.ts';
import type { AudioChunk, SynthesisOutput } from '../core/types.ts';

export interface RechunkOptions {
  /** Audio held back until this much is buffered, then sent as one chunk (after the first chunk). */
  targetMs: number;
  /**
   * Sent anyway when the audio already sent would run out this soon on the overlay's clock
   * (counted from when the first chunk left, as if the overlay started playing it at once).
   */
  underrunMarginMs: number;
  scheduler?: SchedulerLike;
}

/** Audio per chunk after the first (RELAY_AUDIO_CHUNK_MS): fewer, larger events per caption; the chunk-sweep bench measures 100–400 ms. */
export const RECHUNK_TARGET_MS = 200;
/** Network, decode and scheduling between a chunk leaving and the overlay being able to play it. */
export const RECHUNK_UNDERRUN_MARGIN_MS = 60;

/** One chunk holding `chunks`' bytes in order. */
function concatAudio(chunks: readonly AudioChunk[]): AudioChunk {
  if (chunks.length === 1) return chunks[0]!;
  const pcm = new Uint8Array(chunks.reduce((n, c) => n + c.pcm.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    pcm.set(c.pcm, at);
    at += c.pcm.byteLength;
  }
  return { kind: 'audio', pcm, sampleRateHz: chunks[0]!.sampleRateHz };
}

/**
 * Re-chunks an engine's audio for the wire: the first chunk goes out as soon as the engine
 * gives it (first-audio latency unchanged); later audio is buffered and sent as one chunk
 * when `targetMs` is buffered, when the audio already sent is about to run out on the
 * overlay (`underrunMarginMs` before the end of what was sent, on a clock started by the
 * first chunk), before a change of sample rate, and always at the engine's end (or error),
 * so remainders are coalesced instead of sent as tiny events. Cues pass through at once
 * (they carry times on the audio clock, not positions in the stream). Bytes are only
 * concatenated, never cut: the audio clock downstream stays exact. The buffer holds at
 * most `targetMs` plus one engine chunk.
 */
export function rechunk(options: RechunkOptions): MonoTypeOperatorFunction<SynthesisOutput> {
  const { targetMs, underrunMarginMs, scheduler = asyncScheduler } = options;
  return (source$) =>
    new Observable<SynthesisOutput>((subscriber) => {
      let firstSentAtMs: number | undefined;
      let sentMs = 0;
      let buffered: AudioChunk[] = [];
      let bufferedMs = 0;
      let deadline: Subscription | undefined;

      const send = (chunk: AudioChunk): void => {
        firstSentAtMs ??= scheduler.now();
        sentMs += pcmBytesToMs(chunk.pcm.byteLength, chunk.sampleRateHz);
        subscriber.next(chunk);
      };
      const flush = (): void => {
        deadline?.unsubscribe();
        deadline = undefined;
        if (buffered.length === 0) return;
        const chunk = concatAudio(buffered);
        buffered = [];
        bufferedMs = 0;
        send(chunk);
      };
      /** When the overlay would have played everything sent, less the margin. */
      const armDeadline = (): void => {
        if (deadline) return;
        const dueInMs = firstSentAtMs! + sentMs - underrunMarginMs - scheduler.now();
        if (dueInMs <= 0) return flush();
        deadline = scheduler.schedule(flush, dueInMs);
      };

      const subscription = source$.subscribe({
        next(out) {
          if (out.kind === 'cue') return subscriber.next(out);
          if (firstSentAtMs === undefined) return send(out);
          if (buffered.length > 0 && buffered[0]!.sampleRateHz !== out.sampleRateHz) flush();
          buffered.push(out);
          bufferedMs += pcmBytesToMs(out.pcm.byteLength, out.sampleRateHz);
          if (bufferedMs >= targetMs) flush();
          else armDeadline();
        },
        error(err) {
          flush();
          subscriber.error(err);
        },
        complete() {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        deadline?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
