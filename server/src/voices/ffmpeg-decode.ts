/**
 * Compressed samples (MP3, M4A) decoded by Debian's ffmpeg in a child process, to mono
 * float PCM at the library's rate. The input is written to a temporary file (an M4A's
 * index may sit at its end, which a pipe cannot seek to); the child gets a deadline, only
 * the file protocol, at most MAX_SAMPLE_S + 1 s of output, and its output is bounded.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RelayError } from '../core/errors.ts';
import { InvalidAudioError } from './invalid-audio.ts';
import { MAX_SAMPLE_S } from './sample-checks.ts';

export type CompressedFormat = 'mp3' | 'm4a';

/** ffmpeg's demuxer for each format (`-f`), so a file is never probed as something else. */
const DEMUXER: Record<CompressedFormat, string> = { mp3: 'mp3', m4a: 'mov' };
const BYTES_PER_FLOAT = 4;
const STDERR_KEEP_BYTES = 2048;

export interface FfmpegOptions {
  /** Default /usr/bin/ffmpeg. */
  path?: string;
  /** Default 20 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function decodeWithFfmpeg(bytes: Uint8Array, format: CompressedFormat, sampleRateHz: number, options: FfmpegOptions = {}): Promise<Float32Array> {
  const dir = await mkdtemp(join(tmpdir(), 'cosy-relay-voice-'));
  try {
    const input = join(dir, `sample.${format}`);
    await writeFile(input, bytes);
    return await run(input, format, sampleRateHz, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(input: string, format: CompressedFormat, sampleRateHz: number, { path = '/usr/bin/ffmpeg', timeoutMs = 20_000, signal }: FfmpegOptions): Promise<Float32Array> {
  const maxSeconds = MAX_SAMPLE_S + 1;
  const maxOutputBytes = maxSeconds * sampleRateHz * BYTES_PER_FLOAT;
  const args = [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file',
    '-f', DEMUXER[format], '-i', input,
    '-map', '0:a:0', '-vn', '-sn', '-dn', '-t', String(maxSeconds),
    '-ac', '1', '-ar', String(sampleRateHz), '-f', 'f32le', 'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL', signal });
    const chunks: Buffer[] = [];
    let outputBytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > maxOutputBytes) child.kill('SIGKILL');
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP_BYTES);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new RelayError('audio_decoder_missing', `${format.toUpperCase()} samples need ffmpeg (${path} is missing: apt-get install ffmpeg); upload a WAV instead`, 503));
      else if (err.name !== 'AbortError') reject(new RelayError('audio_decoder_failed', `ffmpeg could not run: ${err.message}`, 500, { cause: err }));
    });
    child.on('close', (code, killedBy) => {
      if (signal?.aborted) return reject(new RelayError('request_aborted', 'request aborted by the client', 400));
      if (outputBytes > maxOutputBytes) return reject(new InvalidAudioError(`the ${format.toUpperCase()} sample decodes to more than ${maxSeconds} s of audio`));
      if (killedBy) return reject(new InvalidAudioError(`decoding the ${format.toUpperCase()} sample took longer than ${timeoutMs} ms`));
      if (code !== 0) {
        const reason = stderr.replaceAll(input, 'the input').trim().split('\n').pop()?.slice(0, 200) || `ffmpeg exited with ${code}`;
        return reject(new InvalidAudioError(`the file could not be decoded as ${format.toUpperCase()}: ${reason}`));
      }
      const pcm = Buffer.concat(chunks, outputBytes);
      const samples = new Float32Array(Math.floor(pcm.length / BYTES_PER_FLOAT));
      for (let i = 0; i < samples.length; i++) samples[i] = pcm.readFloatLE(i * BYTES_PER_FLOAT);
      resolve(samples);
    });
  });
}
