import { describe, expect, it } from 'vitest';
import { tone, wavOf, type WavLayout } from './test-samples.ts';
import { encodeWav } from '../core/wav-file.ts';
import { decodeWav } from './wav.ts';

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe('decodeWav', () => {
  const source = tone(0.1, 22_050);
  const layouts: [string, WavLayout, number][] = [
    ['8-bit unsigned', { bits: 8 }, 1 / 64],
    ['16-bit', { bits: 16 }, 1e-4],
    ['24-bit', { bits: 24 }, 1e-6],
    ['32-bit', { bits: 32 }, 1e-6],
    ['32-bit float', { code: 3, bits: 32 }, 1e-7],
    ['64-bit float', { code: 3, bits: 64 }, 1e-7],
    ['extensible 24-bit', { bits: 24, extensible: true }, 1e-6],
    ['extensible float', { code: 3, bits: 32, extensible: true }, 1e-7],
  ];
  it.each(layouts)('reads %s PCM at its rate', (_name, layout, tolerance) => {
    const wav = decodeWav(wavOf([source], 22_050, layout));
    expect(wav).toMatchObject({ sampleRateHz: 22_050, channels: 1, frames: source.length });
    expect(maxDiff(wav.mono(), source)).toBeLessThan(tolerance);
  });

  it('averages the channels to mono', () => {
    const left = tone(0.05, 48_000);
    const silent = new Float32Array(left.length);
    const wav = decodeWav(wavOf([left, silent], 48_000));
    expect(wav.channels).toBe(2);
    expect(maxDiff(wav.mono(), left.map((x) => x / 2))).toBeLessThan(1e-4);
  });

  it('takes what is there when the data size is unset or past the end (a streamed WAV)', () => {
    const bytes = wavOf([tone(0.1)], 16_000);
    new DataView(bytes.buffer).setUint32(40, 0xffffffff, true);
    expect(decodeWav(bytes).frames).toBe(1600);
    expect(decodeWav(bytes.subarray(0, 44 + 1000)).frames).toBe(500);
  });

  it('refuses what it cannot read, with the reason', () => {
    const wav = wavOf([tone(0.1)], 16_000);
    expect(() => decodeWav(new TextEncoder().encode('hello, not audio'))).toThrow(/RIFF\/WAVE/);
    const alaw = wav.slice();
    new DataView(alaw.buffer).setUint16(20, 6, true);
    expect(() => decodeWav(alaw)).toThrow(expect.objectContaining({ code: 'invalid_audio', message: expect.stringMatching(/format 6/) }));
    expect(() => decodeWav(wav.subarray(0, 36))).toThrow(/no data chunk|truncated/);
    const badBlock = wav.slice();
    new DataView(badBlock.buffer).setUint16(32, 3, true);
    expect(() => decodeWav(badBlock)).toThrow(/block size/);
    const noRate = wav.slice();
    new DataView(noRate.buffer).setUint32(24, 0, true);
    expect(() => decodeWav(noRate)).toThrow(/sample rate/);
  });
});

describe('encodeWav', () => {
  it('writes 16-bit mono WAV that reads back', () => {
    const pcm = new Uint8Array(new Int16Array([0, 16384, -16384, 32767]).buffer);
    const wav = encodeWav(pcm, 16_000);
    expect(wav.length).toBe(44 + 8);
    const decoded = decodeWav(wav);
    expect(decoded).toMatchObject({ sampleRateHz: 16_000, channels: 1, frames: 4 });
    expect([...decoded.mono()].map((x) => Math.round(x * 32768))).toEqual([0, 16384, -16384, 32767]);
  });
});
