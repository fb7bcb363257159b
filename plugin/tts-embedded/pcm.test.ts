import { describe, expect, it } from 'vitest';
import { toPcm } from './pcm.ts';

describe('toPcm', () => {
  it('writes little-endian int16 bytes', () => {
    expect(Array.from(toPcm(Int16Array.from([1, -2, 0x1234])))).toEqual([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12]);
  });

  it('copies the samples, whatever their number', () => {
    const samples = Int16Array.from({ length: 2206 }, (_, i) => i);
    const pcm = toPcm(samples);
    samples.fill(0);
    expect(pcm.byteLength).toBe(4412);
    expect(pcm[4410]).toBe(2205 & 0xff);
  });

  it('gives no bytes for no samples', () => {
    expect(toPcm(new Int16Array(0)).byteLength).toBe(0);
  });
});
