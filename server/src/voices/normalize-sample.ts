/**
 * A voice sample as uploaded (WAV, MP3 or M4A, recognized by its bytes, not its name)
 * → checked (3–60 s, speech-level, not clipped) → 16 kHz mono 16-bit WAV, the form both
 * CosyVoice's prompt_wav and DashScope's enrollment take.
 */
import { BYTES_PER_SAMPLE } from '../core/clock.ts';
import { LinearResampler } from '../core/engine-kit/pcm-resampler.ts';
import { encodeWav, pcm16FromFloats } from '../core/wav-file.ts';
import { type CompressedFormat, decodeWithFfmpeg, type FfmpegOptions } from './ffmpeg-decode.ts';
import { InvalidAudioError } from './invalid-audio.ts';
import { checkDuration, checkLevel } from './sample-checks.ts';
import { decodeWav, isWav } from './wav.ts';

export const SAMPLE_RATE_HZ = 16_000;

export interface NormalizedSample {
  /** 16 kHz mono 16-bit WAV. */
  wav: Uint8Array;
  durationMs: number;
}

/** MP3: an ID3 tag or an MPEG audio frame sync; M4A: an ISO base media `ftyp` box. */
function compressedFormatOf(bytes: Uint8Array): CompressedFormat | undefined {
  const text = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 3 && text(0, 3) === 'ID3') return 'mp3';
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0) return 'mp3';
  if (bytes.length >= 8 && text(4, 8) === 'ftyp') return 'm4a';
  return undefined;
}

async function decodeMono(bytes: Uint8Array, ffmpeg: FfmpegOptions): Promise<{ samples: Float32Array; sampleRateHz: number }> {
  if (isWav(bytes)) {
    const wav = decodeWav(bytes);
    checkDuration(wav.frames, wav.sampleRateHz); // before the samples are converted
    return { samples: wav.mono(), sampleRateHz: wav.sampleRateHz };
  }
  const format = compressedFormatOf(bytes);
  if (!format) throw new InvalidAudioError('the file is not a WAV, MP3 or M4A recording');
  return { samples: await decodeWithFfmpeg(bytes, format, SAMPLE_RATE_HZ, ffmpeg), sampleRateHz: SAMPLE_RATE_HZ };
}

/** Throws InvalidAudioError with the reason when the sample cannot be used. */
export async function normalizeSample(bytes: Uint8Array, ffmpeg: FfmpegOptions = {}): Promise<NormalizedSample> {
  const { samples, sampleRateHz } = await decodeMono(bytes, ffmpeg);
  checkDuration(samples.length, sampleRateHz);
  checkLevel(samples, sampleRateHz);
  const pcm = pcm16FromFloats(samples);
  const pcm16k = sampleRateHz === SAMPLE_RATE_HZ ? pcm : new LinearResampler(sampleRateHz, SAMPLE_RATE_HZ).push(pcm);
  return { wav: encodeWav(pcm16k, SAMPLE_RATE_HZ), durationMs: Math.round((pcm16k.length / BYTES_PER_SAMPLE / SAMPLE_RATE_HZ) * 1000) };
}
