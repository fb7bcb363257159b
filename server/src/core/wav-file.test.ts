import { describe, expect, it } from 'vitest';
import { encodeWav, pcm16FromFloats } from './wav-file.ts';

describe('wav-file', () => {
  it('converts floats to 16-bit little-endian with clipping', () => {
    const pcm = pcm16FromFloats(Float32Array.from([0, 1, -1, 0.5, 2, -3]));
    expect(Array.from(new Int16Array(pcm.buffer))).toEqual([0, 32767, -32767, 16384, 32767, -32767]);
  });

  it('writes a canonical mono 16-bit PCM WAV header, then the samples', () => {
    const wav = encodeWav(new Uint8Array(Int16Array.from([1, -2, 300]).buffer), 16_000);
    const view = new DataView(wav.buffer);
    const ascii = (at: number, n: number) => String.fromCharCode(...wav.subarray(at, at + n));
    expect(wav.byteLength).toBe(44 + 6);
    expect([ascii(0, 4), view.getUint32(4, true), ascii(8, 4), ascii(12, 4), view.getUint32(16, true)]).toEqual(['RIFF', 42, 'WAVE', 'fmt ', 16]);
    expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint32(28, true), view.getUint16(32, true), view.getUint16(34, true)]).toEqual([
      1, 1, 16_000, 32_000, 2, 16,
    ]);
    expect([ascii(36, 4), view.getUint32(40, true)]).toEqual(['data', 6]);
    expect([view.getInt16(44, true), view.getInt16(46, true), view.getInt16(48, true)]).toEqual([1, -2, 300]);
  });
});
