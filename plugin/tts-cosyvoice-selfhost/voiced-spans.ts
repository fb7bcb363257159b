/**
 * Silence detection on 16-bit PCM: the spans where someone speaks, with the pauses between
 * them. Energy is measured per 10 ms frame against a threshold relative to the loudest frame.
 */

export interface Span {
  startMs: number;
  endMs: number;
}

export interface SilenceOptions {
  /** A frame is voiced above this fraction of the loudest frame's RMS (default 0.08). */
  thresholdRatio?: number;
  /** Shorter silences are gaps between words, not pauses (default 80 ms). */
  minPauseMs?: number;
}

const FRAME_MS = 10;

export function voicedSpans(samples: Int16Array, sampleRateHz: number, options: SilenceOptions = {}): Span[] {
  const frameSamples = Math.max(1, Math.round((sampleRateHz * FRAME_MS) / 1000));
  const frames = Math.ceil(samples.length / frameSamples);
  const rms = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const end = Math.min(samples.length, (f + 1) * frameSamples);
    for (let i = f * frameSamples; i < end; i++) sum += samples[i]! * samples[i]!;
    rms[f] = Math.sqrt(sum / Math.max(1, end - f * frameSamples));
  }
  const threshold = Math.max(...rms, 0) * (options.thresholdRatio ?? 0.08);
  if (threshold === 0) return [];
  const minPauseFrames = Math.ceil((options.minPauseMs ?? 80) / FRAME_MS);
  const spans: Span[] = [];
  let start = -1;
  let silentRun = 0;
  for (let f = 0; f <= frames; f++) {
    const voiced = f < frames && rms[f]! > threshold;
    if (voiced) {
      if (start < 0) start = f;
      silentRun = 0;
    } else if (start >= 0 && (++silentRun >= minPauseFrames || f === frames)) {
      const endFrame = f - silentRun + 1;
      spans.push({ startMs: start * FRAME_MS, endMs: Math.min(endFrame * FRAME_MS, (samples.length * 1000) / sampleRateHz) });
      start = -1;
      silentRun = 0;
    }
  }
  return spans;
}
