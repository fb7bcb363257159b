import { describe, expect, it } from 'vitest';
import { toPcmChunks } from './pcm.ts';

describe('toPcmChunks', () => {
  it('writes little-endian int16 bytes', () => {
    const [pcm] = toPcmChunks(Int16Array.from([1, -2, 0x1234]), 100);
    expect(Array.from(pcm!)).toEqual([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12]);
  });

  it('splits into chunks of at most maxSamples and copies the samples', () => {
    const samples = Int16Array.from({ length: 5 }, (_, i) => i + 1);
    const chunks = toPcmChunks(samples, 2);
    expect(chunks.map((c) => c.byteLength)).toEqual([4, 4, 2]);
    samples.fill(0);
    expect(chunks[2]![0]).toBe(5);
  });

  it('returns nothing for no samples', () => {
    expect(toPcmChunks(new Int16Array(0), 10)).toEqual([]);
  });
});
