import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { AudioChunk } from '../core/types.ts';
import { createEmbeddedEngine } from '../../../plugin/tts-embedded/index.ts';
import { normalizeSample, SAMPLE_RATE_HZ } from './normalize-sample.ts';
import { tone, wavOf } from './test-samples.ts';
import { decodeWav } from './wav.ts';

const invalidAudio = (reason: RegExp) => expect.objectContaining({ code: 'invalid_audio', httpStatus: 400, message: expect.stringMatching(reason) });

/** Checks the result is 16 kHz mono 16-bit WAV of about `seconds`. */
function expectNormalized(wav: Uint8Array, seconds: number): void {
  const decoded = decodeWav(wav);
  expect(decoded).toMatchObject({ sampleRateHz: SAMPLE_RATE_HZ, channels: 1 });
  expect(new DataView(wav.buffer, wav.byteOffset).getUint16(34, true)).toBe(16);
  expect(decoded.frames / SAMPLE_RATE_HZ).toBeCloseTo(seconds, 1);
}

describe('normalizeSample (WAV, decoded in TypeScript)', () => {
  it('turns 48 kHz stereo 24-bit into 16 kHz mono 16-bit', async () => {
    const left = tone(4, 48_000);
    const sample = await normalizeSample(wavOf([left, left], 48_000, { bits: 24 }));
    expectNormalized(sample.wav, 4);
    expect(sample.durationMs).toBe(4000);
    const peak = decodeWav(sample.wav).mono().reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(peak).toBeCloseTo(0.3, 1);
  });

  it('keeps float WAV at 44.1 kHz', async () => {
    expectNormalized((await normalizeSample(wavOf([tone(3.5, 44_100)], 44_100, { code: 3, bits: 32 }))).wav, 3.5);
  });

  it('refuses a sample shorter than 3 s or longer than 60 s', async () => {
    await expect(normalizeSample(wavOf([tone(2.5)], 16_000))).rejects.toEqual(invalidAudio(/lasts 2\.5 s; it must last 3–60 s/));
    await expect(normalizeSample(wavOf([tone(61, 8_000)], 8_000, { bits: 8 }))).rejects.toEqual(invalidAudio(/lasts 61\.0 s/));
  });

  it('refuses silence, hiss and clipping', async () => {
    await expect(normalizeSample(wavOf([new Float32Array(16_000 * 5)], 16_000))).rejects.toEqual(invalidAudio(/silent or too quiet/));
    await expect(normalizeSample(wavOf([tone(5, 16_000, { amplitude: 0.005 })], 16_000))).rejects.toEqual(invalidAudio(/too quiet/));
    const square = tone(5).map((x) => (x >= 0 ? 1 : -1));
    await expect(normalizeSample(wavOf([square], 16_000))).rejects.toEqual(invalidAudio(/clipped/));
  });

  it('refuses bytes that are no audio it knows', async () => {
    await expect(normalizeSample(new TextEncoder().encode('<html>not audio</html>'.repeat(100)))).rejects.toEqual(invalidAudio(/not a WAV, MP3 or M4A/));
  });

  it('accepts speech from the embedded engine wrapped as WAV', async () => {
    const engine = await createEmbeddedEngine({ workers: 1 });
    try {
      const text = 'This is my voice. I read the chat for my viewers every evening, and now you can hear it.';
      const outputs = await firstValueFrom(engine.synthesize({ id: 'sample', text, lang: 'en' }).pipe(toArray()));
      const chunks = outputs.filter((o): o is AudioChunk => o.kind === 'audio');
      const pcm = Buffer.concat(chunks.map((c) => c.pcm));
      const samples = new Float32Array(pcm.length / 2).map((_, i) => pcm.readInt16LE(i * 2) / 32768);
      const seconds = samples.length / engine.sampleRateHz;
      expect(seconds).toBeGreaterThan(3);
      const sample = await normalizeSample(wavOf([samples], engine.sampleRateHz));
      expectNormalized(sample.wav, seconds);
    } finally {
      await engine.close();
    }
  });
});

describe('normalizeSample (MP3 and M4A, decoded by ffmpeg)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voice-ffmpeg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The WAV encoded by Debian's ffmpeg with `codecArgs`, as bytes. */
  const encode = (wav: Uint8Array, file: string, codecArgs: string[]): Uint8Array => {
    writeFileSync(join(dir, 'in.wav'), wav);
    execFileSync('/usr/bin/ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', join(dir, 'in.wav'), ...codecArgs, join(dir, file)]);
    return readFileSync(join(dir, file));
  };

  it('decodes an MP3 made from a 44.1 kHz stereo WAV', async () => {
    const left = tone(5, 44_100);
    const mp3 = encode(wavOf([left, left], 44_100), 'sample.mp3', ['-c:a', 'libmp3lame', '-b:a', '64k']);
    expectNormalized((await normalizeSample(mp3)).wav, 5);
  });

  it('decodes an M4A (AAC), whose index may sit at the end', async () => {
    const m4a = encode(wavOf([tone(4, 48_000)], 48_000), 'sample.m4a', ['-c:a', 'aac', '-b:a', '64k']);
    expectNormalized((await normalizeSample(m4a)).wav, 4);
  });

  it('checks a compressed sample like a WAV (too short; longer than 60 s is cut at 61 s and refused)', async () => {
    const short = encode(wavOf([tone(2, 16_000)], 16_000), 'short.mp3', ['-c:a', 'libmp3lame']);
    await expect(normalizeSample(short)).rejects.toEqual(invalidAudio(/it must last 3–60 s/));
    const long = encode(wavOf([tone(90, 8_000)], 8_000), 'long.mp3', ['-c:a', 'libmp3lame', '-b:a', '16k']);
    await expect(normalizeSample(long)).rejects.toEqual(invalidAudio(/lasts 61\.0 s/));
  });

  it('says ffmpeg could not decode a damaged file, without the temporary path', async () => {
    const damaged = new Uint8Array(4096).fill(0x55);
    damaged.set([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]); // "ID3" header, then junk
    const error = await normalizeSample(damaged).catch((e: Error) => e);
    expect(error).toEqual(invalidAudio(/could not be decoded as MP3/));
    expect((error as Error).message).not.toMatch(/cosy-relay-voice-/);
  });

  it('names a missing ffmpeg as the server problem it is', async () => {
    const mp3 = encode(wavOf([tone(3.5)], 16_000), 'missing.mp3', ['-c:a', 'libmp3lame']);
    await expect(normalizeSample(mp3, { path: '/nonexistent/ffmpeg' })).rejects.toMatchObject({ code: 'audio_decoder_missing', httpStatus: 503 });
  });
});
