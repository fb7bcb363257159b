/**
 * The README's ffmpeg one-liner, with the real ffmpeg: it reads a WAV (the embedded engine
 * speaking two sentences) in real time, converts it to 16 kHz mono s16le and POSTs it as a
 * chunked body to `/ingest/audio` with the bearer token; the relay recognizes it (DashScope
 * ASR plugin against the fake server, following the voice) into the speech log, and answers
 * ffmpeg's request with the recognized lines as NDJSON.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpokenLine } from '../../server/src/core/history.ts';
import { startFakeAsrServer, type FakeAsrServer } from '../fakes/dashscope-asr/fake-asr-server.ts';
import { scriptedSentence } from '../fakes/dashscope-asr/speech-audio.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { speechWav } from '../support/speech-wav.ts';

const SENTENCES = ['Hello everyone, welcome in.', 'Thanks for watching today.'];
const WORDS = [
  ['Hello', 'everyone', 'welcome', 'in'],
  ['Thanks', 'for', 'watching', 'today'],
];

let fake: FakeAsrServer;
let relay: Harness;
let wav: string;

beforeAll(async () => {
  wav = (await speechWav(SENTENCES, { leadInMs: 500, gapMs: 1200, tailMs: 1500 })).path;
  fake = await startFakeAsrServer({ followVoice: true, script: WORDS.map((w) => scriptedSentence(0, w.map((word, i) => (i < w.length - 1 ? `${word} ` : word)), {}, 300, '.')) });
  relay = await startHarness({ ASR_ENGINE: 'dashscope', COSYVOICE_API_KEY: fake.apiKey, ASR_URL: fake.url, ASR_LANGUAGE_HINTS: 'en' });
}, 60_000);

afterAll(async () => {
  await relay?.stop();
  await fake?.close();
});

function ffmpeg(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('ffmpeg → POST /ingest/audio → recognized lines', () => {
  it('recognizes what ffmpeg streams in real time, one final per sentence, into the speech log', async () => {
    const { code, stderr } = await ffmpeg([
      '-hide_banner', '-loglevel', 'error', '-re', '-i', wav,
      '-ac', '1', '-ar', '16000', '-f', 's16le',
      '-headers', `Authorization: Bearer ${relay.secrets.token}\r\n`,
      `${relay.url}/ingest/audio`,
    ]);
    expect(code, stderr).toBe(0);
    await expect
      .poll(async () => ((await (await relay.get('/api/subtitles?format=json')).json()) as { items: SpokenLine[] }).items.map((l) => l.text), { timeout: 5_000 })
      .toEqual(['Hello everyone welcome in.', 'Thanks for watching today.']);
    // Real time: no frame came faster than the audio it carries.
    expect(fake.stats.pacing.filter((p) => p.kind === 'too-fast')).toEqual([]);
  }, 40_000);

  it('answers the stream with NDJSON state and lines, and refuses a wrong token (401) or a GET (405)', async () => {
    const pcm = Buffer.alloc(3200 * 10);
    const res = await fetch(`${relay.url}/ingest/audio?token=${relay.secrets.token}`, { method: 'POST', body: pcm });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const messages = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; state?: string });
    expect(messages[0]).toEqual({ type: 'state', state: 'idle' });
    const wrong = await fetch(`${relay.url}/ingest/audio?token=nope`, { method: 'POST', body: pcm });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const get = await fetch(`${relay.url}/ingest/audio?token=${relay.secrets.token}`);
    expect(get.status).toBe(405);
  });
});
