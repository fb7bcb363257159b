/** Sample-accurate time helpers: one clock per utterance, counted in samples. */

export const BYTES_PER_SAMPLE = 2; // pcm_s16le mono

export function samplesToMs(samples: number, sampleRateHz: number): number {
  return (samples * 1000) / sampleRateHz;
}

export function msToSamples(ms: number, sampleRateHz: number): number {
  return Math.round((ms * sampleRateHz) / 1000);
}

export function pcmBytesToMs(bytes: number, sampleRateHz: number): number {
  return samplesToMs(bytes / BYTES_PER_SAMPLE, sampleRateHz);
}
