/**
 * The WAV container: decodes RIFF/WAVE PCM (8-bit unsigned, 16/24/32-bit signed integer,
 * 32/64-bit float; WAVE_FORMAT_EXTENSIBLE too; any rate and channel count); writing is
 * core/wav-file.ts. Layout from Microsoft's RIFF / WAVEFORMATEX(TENSIBLE) definitions.
 */
import { InvalidAudioError } from './invalid-audio.ts';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const MAX_CHANNELS = 32;
const RATE_RANGE_HZ = [1_000, 384_000] as const;

/** A decoded WAV header; `mono()` converts the samples (the costly part) only when asked. */
export interface DecodedWav {
  sampleRateHz: number;
  channels: number;
  /** Sample frames (one sample per channel each). */
  frames: number;
  /** The channels averaged, as floats in [-1, 1]. */
  mono(): Float32Array;
}

interface Format {
  code: number;
  channels: number;
  sampleRateHz: number;
  blockAlign: number;
  bits: number;
}

const ascii = (bytes: Uint8Array, at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));

export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0) === 'RIFF' && ascii(bytes, 8) === 'WAVE';
}

function readFormat(view: DataView, at: number, size: number): Format {
  if (size < 16) throw new InvalidAudioError('the WAV fmt chunk is truncated');
  let code = view.getUint16(at, true);
  const bits = view.getUint16(at + 14, true);
  if (code === FORMAT_EXTENSIBLE) {
    if (size < 40) throw new InvalidAudioError('the WAV extensible fmt chunk is truncated');
    code = view.getUint16(at + 24, true); // the SubFormat GUID starts with the format code
  }
  return { code, channels: view.getUint16(at + 2, true), sampleRateHz: view.getUint32(at + 4, true), blockAlign: view.getUint16(at + 12, true), bits };
}

/** A reader of one sample at a byte offset as a float in [-1, 1], for this format. */
function sampleReader(view: DataView, { code, bits }: Format): (at: number) => number {
  if (code === FORMAT_PCM) {
    switch (bits) {
      case 8:
        return (at) => (view.getUint8(at) - 128) / 128;
      case 16:
        return (at) => view.getInt16(at, true) / 32768;
      case 24:
        return (at) => ((view.getInt8(at + 2) << 16) | (view.getUint8(at + 1) << 8) | view.getUint8(at)) / 8388608;
      case 32:
        return (at) => view.getInt32(at, true) / 2147483648;
    }
  }
  if (code === FORMAT_FLOAT) {
    const clamp = (x: number): number => (Number.isFinite(x) ? Math.max(-1, Math.min(1, x)) : 0);
    if (bits === 32) return (at) => clamp(view.getFloat32(at, true));
    if (bits === 64) return (at) => clamp(view.getFloat64(at, true));
  }
  throw new InvalidAudioError(`WAV format ${code} with ${bits}-bit samples is not supported (use PCM 8/16/24/32-bit or float 32/64-bit)`);
}

/** Reads the header and locates the samples; throws InvalidAudioError on anything it cannot play. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  if (!isWav(bytes)) throw new InvalidAudioError('not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Format | undefined;
  let data: { at: number; size: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length && !data; ) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') format = readFormat(view, body, Math.min(size, bytes.length - body));
    // Streamed WAVs leave the data size unset (0 or 0xFFFFFFFF) or larger than the file: take what is there.
    if (id === 'data') data = { at: body, size: size === 0 ? bytes.length - body : Math.min(size, bytes.length - body) };
    at = body + size + (size % 2);
  }
  if (!format) throw new InvalidAudioError('the WAV file has no fmt chunk');
  if (!data) throw new InvalidAudioError('the WAV file has no data chunk');
  const { channels, sampleRateHz, blockAlign, bits } = format;
  if (channels < 1 || channels > MAX_CHANNELS) throw new InvalidAudioError(`the WAV file has ${channels} channels`);
  if (sampleRateHz < RATE_RANGE_HZ[0] || sampleRateHz > RATE_RANGE_HZ[1]) throw new InvalidAudioError(`the WAV sample rate ${sampleRateHz} Hz is out of range`);
  const bytesPerSample = bits / 8;
  if (!Number.isInteger(bytesPerSample) || blockAlign !== channels * bytesPerSample) {
    throw new InvalidAudioError(`the WAV block size ${blockAlign} does not match ${channels} channels of ${bits}-bit samples`);
  }
  const read = sampleReader(view, format);
  const frames = Math.floor(data.size / blockAlign);
  const start = data.at;
  return {
    sampleRateHz,
    channels,
    frames,
    mono() {
      const out = new Float32Array(frames);
      for (let f = 0; f < frames; f++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += read(start + f * blockAlign + c * bytesPerSample);
        out[f] = sum / channels;
      }
      return out;
    },
  };
}
