/** Test kit: voice samples made in code, as WAV bytes of any layout. */

export interface WavLayout {
  /** 1 = integer PCM, 3 = IEEE float. */
  code?: 1 | 3;
  bits?: 8 | 16 | 24 | 32 | 64;
  /** Written as WAVE_FORMAT_EXTENSIBLE. */
  extensible?: boolean;
}

/** A speech-level tone (amplitude 0.3 by default) of `seconds`, the same on every channel. */
export function tone(seconds: number, rateHz = 16_000, { amplitude = 0.3, freqHz = 220 } = {}): Float32Array {
  const out = new Float32Array(Math.round(seconds * rateHz));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / rateHz);
  return out;
}

/** The channels (equal lengths) as a WAV file in `layout` (default 16-bit PCM). */
export function wavOf(channels: Float32Array[], rateHz: number, { code = 1, bits = 16, extensible = false }: WavLayout = {}): Uint8Array {
  const frames = channels[0]!.length;
  const bytesPerSample = bits / 8;
  const blockAlign = channels.length * bytesPerSample;
  const fmtSize = extensible ? 40 : 16;
  const dataSize = frames * blockAlign;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + dataSize);
  const view = new DataView(out.buffer);
  const tag = (at: number, text: string): void => text.split('').forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  tag(0, 'RIFF');
  view.setUint32(4, out.length - 8, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, extensible ? 0xfffe : code, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, rateHz, true);
  view.setUint32(28, rateHz * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  if (extensible) {
    view.setUint16(36, 22, true);
    view.setUint16(38, bits, true);
    view.setUint32(40, 0, true);
    view.setUint16(44, code, true); // SubFormat GUID's first two bytes; the rest is the fixed KSDATAFORMAT suffix, unchecked
  }
  const dataAt = 20 + fmtSize;
  tag(dataAt, 'data');
  view.setUint32(dataAt + 4, dataSize, true);
  const clamp = (x: number): number => Math.max(-1, Math.min(1, x));
  for (let f = 0; f < frames; f++) {
    channels.forEach((samples, c) => {
      const at = dataAt + 8 + f * blockAlign + c * bytesPerSample;
      const x = clamp(samples[f]!);
      if (code === 3) {
        if (bits === 64) view.setFloat64(at, x, true);
        else view.setFloat32(at, x, true);
      } else if (bits === 8) view.setUint8(at, Math.round(x * 127) + 128);
      else if (bits === 16) view.setInt16(at, Math.round(x * 32767), true);
      else if (bits === 24) {
        const v = Math.round(x * 8388607);
        view.setUint8(at, v & 0xff);
        view.setUint8(at + 1, (v >> 8) & 0xff);
        view.setInt8(at + 2, v >> 16);
      } else view.setInt32(at, Math.round(x * 2147483647), true);
    });
  }
  return out;
}
