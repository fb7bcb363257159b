/** What makes a recording usable as a voice prompt: its length and its level. */
import { InvalidAudioError } from './invalid-audio.ts';

export const MIN_SAMPLE_S = 3;
export const MAX_SAMPLE_S = 60;
/** A 20 ms frame is speech-level when its RMS reaches -40 dBFS. */
const FRAME_MS = 20;
const ACTIVE_RMS = 0.01;
/** At least this much of the sample must be speech-level (not silence or hiss). */
const MIN_ACTIVE_S = 1;
/** A sample at or past this magnitude is at full scale, and at most this share of them may be. */
const FULL_SCALE = 0.99;
const MAX_CLIPPED_SHARE = 0.005;

const seconds = (s: number): string => `${s.toFixed(1)} s`;

/** Throws InvalidAudioError unless `frames` at `sampleRateHz` last 3–60 s. */
export function checkDuration(frames: number, sampleRateHz: number): void {
  const durationS = frames / sampleRateHz;
  if (durationS < MIN_SAMPLE_S || durationS > MAX_SAMPLE_S) {
    throw new InvalidAudioError(`the sample lasts ${seconds(durationS)}; it must last ${MIN_SAMPLE_S}–${MAX_SAMPLE_S} s`);
  }
}

/** Throws InvalidAudioError when the mono samples are (nearly) silent or clipped. */
export function checkLevel(samples: Float32Array, sampleRateHz: number): void {
  const frameLength = Math.max(1, Math.round((sampleRateHz * FRAME_MS) / 1000));
  let activeFrames = 0;
  let clipped = 0;
  for (let start = 0; start < samples.length; start += frameLength) {
    const end = Math.min(samples.length, start + frameLength);
    let energy = 0;
    for (let i = start; i < end; i++) {
      const x = samples[i]!;
      energy += x * x;
      if (Math.abs(x) >= FULL_SCALE) clipped += 1;
    }
    if (Math.sqrt(energy / (end - start)) >= ACTIVE_RMS) activeFrames += 1;
  }
  const activeS = (activeFrames * frameLength) / sampleRateHz;
  if (activeS < MIN_ACTIVE_S) {
    throw new InvalidAudioError(`the sample is silent or too quiet (${seconds(activeS)} above -40 dBFS, at least ${MIN_ACTIVE_S} s needed): record closer to the microphone`);
  }
  const share = clipped / samples.length;
  if (share > MAX_CLIPPED_SHARE) {
    throw new InvalidAudioError(`the sample is clipped (${(share * 100).toFixed(1)}% of samples at full scale): record with a lower input gain`);
  }
}
