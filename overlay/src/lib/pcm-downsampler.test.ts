import { describe, expect, it } from 'vitest';
import { levelOf, PcmDownsampler } from './pcm-downsampler.ts';

function sine(freqHz: number, rateHz: number, samples: number, amplitude = 0.5, phase = 0): Float32Array {
  return Float32Array.from({ length: samples }, (_, i) => amplitude * Math.sin(2 * Math.PI * freqHz * ((i + phase) / rateHz)));
}

/** Feeds `input` in blocks of 128 (the AudioWorklet render quantum), returns all output samples. */
function run(ds: PcmDownsampler, input: Float32Array): Int16Array {
  const frames: Int16Array[] = [];
  for (let i = 0; i < input.length; i += 128) frames.push(...ds.push(input.subarray(i, i + 128)));
  const out = new Int16Array(frames.length * ds.frameSamples);
  frames.forEach((f, k) => out.set(f, k * ds.frameSamples));
  return out;
}

const rms = (v: Int16Array) => Math.sqrt(v.reduce((a, x) => a + (x / 32768) ** 2, 0) / v.length);

describe('PcmDownsampler', () => {
  it.each([48_000, 44_100, 32_000, 16_000])('keeps the clock exact from %i Hz: 10 s in → 100 frames of 100 ms out', (rateHz) => {
    const ds = new PcmDownsampler(rateHz);
    const out = run(ds, sine(440, rateHz, rateHz * 10));
    expect(out.length).toBe(160_000);
  });

  it('keeps a 1 kHz tone at 1 kHz and its level (48 kHz → 16 kHz)', () => {
    const out = run(new PcmDownsampler(48_000), sine(1000, 48_000, 48_000));
    let crossings = 0;
    for (let i = 1; i < out.length; i++) if (out[i - 1]! < 0 && out[i]! >= 0) crossings++;
    expect(crossings).toBeGreaterThanOrEqual(999);
    expect(crossings).toBeLessThanOrEqual(1001);
    expect(rms(out)).toBeCloseTo(0.5 / Math.SQRT2, 1);
  });

  it('attenuates a tone above the new Nyquist frequency instead of folding it back at full level', () => {
    const speech = rms(run(new PcmDownsampler(48_000), sine(1000, 48_000, 48_000)));
    const alias = rms(run(new PcmDownsampler(48_000), sine(15_000, 48_000, 48_000)));
    expect(alias).toBeLessThan(speech * 0.25);
  });

  it('is the identity at the same rate (apart from int16 rounding)', () => {
    const input = sine(300, 16_000, 3200, 0.9);
    const out = run(new PcmDownsampler(16_000), input);
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! / 32767 - input[i]!)).toBeLessThan(1e-4);
  });

  it('clips at full scale without wrapping', () => {
    const out = run(new PcmDownsampler(48_000), Float32Array.from({ length: 4800 }, (_, i) => (i % 2 ? 3 : -3)));
    expect(Math.max(...out)).toBeLessThanOrEqual(32767);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(-32768);
  });

  it('refuses an input rate below the output rate', () => {
    expect(() => new PcmDownsampler(8000)).toThrow(RangeError);
  });
});

describe('levelOf', () => {
  it('gives peak and RMS', () => {
    const { peak, rms: r } = levelOf(sine(1000, 48_000, 4800, 0.5));
    expect(peak).toBeCloseTo(0.5, 2);
    expect(r).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(levelOf(new Float32Array(0))).toEqual({ peak: 0, rms: 0 });
  });
});
