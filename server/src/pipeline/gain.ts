/** Output volume for any engine: signed 16-bit little-endian PCM scaled by a gain, saturating. */
import { map, type MonoTypeOperatorFunction } from 'rxjs';
import type { SynthesisOutput } from '../core/types.ts';

/** `volumePercent` as a linear gain (100 = unchanged). */
export function gainOf(volumePercent: number): number {
  return Math.max(0, volumePercent) / 100;
}

/** A scaled copy of `pcm` (the input is left alone); gain 1 returns `pcm` itself. */
export function scalePcm16(pcm: Uint8Array, gain: number): Uint8Array {
  if (gain === 1) return pcm;
  const out = new Uint8Array(pcm.byteLength - (pcm.byteLength % 2));
  const input = new DataView(pcm.buffer, pcm.byteOffset, out.byteLength);
  const output = new DataView(out.buffer);
  for (let i = 0; i < out.byteLength; i += 2) {
    const scaled = Math.round(input.getInt16(i, true) * gain);
    output.setInt16(i, Math.max(-32768, Math.min(32767, scaled)), true);
  }
  return out;
}

/** Scales the audio of a synthesis stream; cues pass unchanged. */
export function withGain(gain: number): MonoTypeOperatorFunction<SynthesisOutput> {
  return map((output) => (output.kind === 'audio' && gain !== 1 ? { ...output, pcm: scalePcm16(output.pcm, gain) } : output));
}
