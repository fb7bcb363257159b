import { describe, expect, it } from 'vitest';
import { Pcm16Aligner } from './pcm16-aligner.ts';
import { LinearResampler } from './pcm-resampler.ts';

const pcm = (samples: number[]) => new Uint8Array(Int16Array.from(samples).buffer);
const samplesOf = (bytes: Uint8Array) => [...new Int16Array(bytes.slice().buffer)];

describe('Pcm16Aligner', () => {
  it('carries a split sample over to the next chunk', () => {
    const aligner = new Pcm16Aligner();
    const bytes = pcm([1, -2, 300]);
    const out = [bytes.subarray(0, 3), bytes.subarray(3, 4), bytes.subarray(4)].map((c) => aligner.push(c));
    expect(out.map((o) => (o ? samplesOf(o) : undefined))).toEqual([[1], [-2], [300]]);
  });
});

describe('LinearResampler', () => {
  it('interpolates to the output rate, identically in one chunk or many', () => {
    const input = [0, 100, 200, 300, 400, 500, 600, 700];
    const whole = samplesOf(new LinearResampler(2, 4).push(pcm(input)));
    expect(whole).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650]);
    const resampler = new LinearResampler(2, 4);
    const chunked = [pcm(input.slice(0, 3)), pcm(input.slice(3, 4)), pcm(input.slice(4))].flatMap((c) => samplesOf(resampler.push(c)));
    expect(chunked).toEqual(whole);
  });

  it('downsamples 24 kHz to 16 kHz at two thirds of the length', () => {
    const out = new LinearResampler(24_000, 16_000).push(pcm(Array.from({ length: 2400 }, (_, i) => i)));
    expect(Math.abs(out.byteLength / 2 - 1600)).toBeLessThanOrEqual(1);
  });
});
