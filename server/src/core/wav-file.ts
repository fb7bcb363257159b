/**
 * Writing 16-bit mono PCM WAV files: the form the voice library stores samples in, the panel
 * records them in, and CosyVoice's `prompt_wav` takes. Pure (the browser bundles it). Layout
 * from Microsoft's RIFF / WAVEFORMATEX definitions: a 44-byte header, then the samples.
 */

const HEADER_BYTES = 44;
const FORMAT_PCM = 1;
const BYTES_PER_SAMPLE = 2;

/** Mono floats (-1…1, clipped) → signed 16-bit little-endian PCM. */
export function pcm16FromFloats(samples: Float32Array): Uint8Array<ArrayBuffer> {
  const pcm = new Uint8Array(samples.length * BYTES_PER_SAMPLE);
  const view = new DataView(pcm.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * BYTES_PER_SAMPLE, Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), true);
  return pcm;
}

/** A canonical 44-byte-header WAV around signed 16-bit little-endian mono PCM. */
export function encodeWav(pcm: Uint8Array, sampleRateHz: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(HEADER_BYTES + pcm.length);
  const view = new DataView(out.buffer);
  const tag = (at: number, text: string): void => {
    for (let i = 0; i < 4; i++) out[at + i] = text.charCodeAt(i);
  };
  tag(0, 'RIFF');
  view.setUint32(4, 36 + pcm.length, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * BYTES_PER_SAMPLE, true); // byte rate
  view.setUint16(32, BYTES_PER_SAMPLE, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  tag(36, 'data');
  view.setUint32(40, pcm.length, true);
  out.set(pcm, HEADER_BYTES);
  return out;
}
