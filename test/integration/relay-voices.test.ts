/** /api/voices against a whole relay: upload, list, resolve, delete, restart, and every refusal. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineChain } from '../../server/src/core/engine-kit/index.ts';
import { tone, wavOf } from '../../server/src/voices/test-samples.ts';
import { fakeEngine } from '../support/fake-engine.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';

const engines = () =>
  createEngineChain(
    [
      fakeEngine({ name: 'cosyvoice-selfhost', cloning: { kind: 'prompt' }, voices: () => ['中文女'] }),
      fakeEngine({ name: 'embedded', voices: () => ['en-us'] }),
    ],
    { firstPacketBudgetMs: 1000 },
  );

const SAMPLE = wavOf([tone(4, 22_050)], 22_050);

interface Upload {
  name?: string;
  engine?: string;
  promptText?: string;
  file?: Uint8Array;
  fileName?: string;
  extra?: Record<string, string>;
}

function form({ name = 'mine', engine = 'cosyvoice-selfhost', promptText = '大家好，我是主播。', file = SAMPLE, fileName = 'sample.wav', extra = {} }: Upload): FormData {
  const body = new FormData();
  body.set('name', name);
  body.set('engine', engine);
  body.set('promptText', promptText);
  for (const [k, v] of Object.entries(extra)) body.set(k, v);
  body.set('promptWav', new Blob([Buffer.from(file)]), fileName);
  return body;
}

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('/api/voices', () => {
  let relay: Harness;
  let dataDir: string;
  const upload = (fields: Upload, token: string | null = relay.secrets.token) =>
    fetch(`${relay.url}/api/voices`, { method: 'POST', body: form(fields), headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const remove = (id: string) => fetch(`${relay.url}/api/voices/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${relay.secrets.token}` } });
  const list = async () => ((await (await relay.get('/api/voices')).json()) as { voices: { id: string; name: string; kind: string }[] }).voices;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'relay-voices-'));
    relay = await startHarness({}, engines(), dataDir);
  });
  afterAll(async () => {
    await relay.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('201 on a WAV: listed with the presets, resolvable by name, its sample stored as 16 kHz mono WAV', async () => {
    const res = await upload({ name: 'Streamer' });
    expect(res.status).toBe(201);
    const { id, name } = (await res.json()) as { id: string; name: string };
    expect(name).toBe('Streamer');
    expect(await list()).toEqual([
      { id: 'cosyvoice-selfhost:中文女', name: '中文女', engine: 'cosyvoice-selfhost', kind: 'preset', createdAtMs: 0 },
      { id: 'embedded:en-us', name: 'en-us', engine: 'embedded', kind: 'preset', createdAtMs: 0 },
      { id, name: 'Streamer', engine: 'cosyvoice-selfhost', kind: 'clone', promptText: '大家好，我是主播。', createdAtMs: expect.any(Number) },
    ]);
    expect(relay.voices.resolve('streamer')).toMatchObject({ kind: 'clone', clone: { id, engine: 'cosyvoice-selfhost', prompt: { text: '大家好，我是主播。' } } });
    const audio = await relay.get(`/api/voices/${encodeURIComponent(id)}/audio`);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    const wav = new Uint8Array(await audio.arrayBuffer());
    expect(new DataView(wav.buffer).getUint32(24, true)).toBe(16_000);
    expect(wav.length).toBe(44 + 4 * 16_000 * 2);
  });

  it('201 on an MP3 made by ffmpeg', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-voices-mp3-'));
    try {
      writeFileSync(join(dir, 'in.wav'), SAMPLE);
      execFileSync('/usr/bin/ffmpeg', ['-nostdin', '-loglevel', 'error', '-i', join(dir, 'in.wav'), '-c:a', 'libmp3lame', join(dir, 'out.mp3')]);
      const res = await upload({ name: 'from-mp3', file: readFileSync(join(dir, 'out.mp3')), fileName: 'out.mp3' });
      expect(res.status).toBe(201);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('400 invalid_audio with the reason; 400 for engines that cannot clone and for bad fields', async () => {
    const short = await upload({ name: 'short', file: wavOf([tone(1)], 16_000) });
    expect(short.status).toBe(400);
    expect(await errorOf(short)).toEqual({ code: 'invalid_audio', message: expect.stringMatching(/lasts 1\.0 s/) });
    const junk = await upload({ name: 'junk', file: new TextEncoder().encode('not audio at all') });
    expect(await errorOf(junk)).toMatchObject({ code: 'invalid_audio' });
    expect(await errorOf(await upload({ name: 'x', engine: 'embedded' }))).toMatchObject({ code: 'unsupported_engine' });
    expect(await errorOf(await upload({ name: 'x', engine: 'cosyvoice' }))).toMatchObject({ code: 'engine_not_configured' });
    expect(await errorOf(await upload({ name: 'has space' }))).toMatchObject({ code: 'invalid_body', message: expect.stringMatching(/^name:/) });
    expect(await errorOf(await upload({ name: 'x', extra: { colour: 'red' } }))).toMatchObject({ code: 'unknown_field' });
    const json = await relay.post('/api/voices', { name: 'x' });
    expect(json.status).toBe(415);
    const put = await fetch(`${relay.url}/api/voices`, { method: 'PUT', headers: { authorization: `Bearer ${relay.secrets.token}` } });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, POST']);
  });

  it('409 on a taken name, in any case', async () => {
    expect((await upload({ name: 'taken' })).status).toBe(201);
    const again = await upload({ name: 'TAKEN' });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ code: 'name_taken' });
  });

  it('413 on a sample over 10 MB, declared or streamed, without reading it all', async () => {
    const big = await upload({ name: 'big', file: new Uint8Array(10 * 1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    expect(await errorOf(big)).toMatchObject({ code: 'body_too_large' });

    // Chunked (no Content-Length): refused once 10 MB + the form allowance have arrived. The relay
    // answers and closes rather than read the rest, so a sender still writing may see the reset
    // before the answer (curl -F and browsers send Content-Length and get the 413 up front).
    let sent = 0;
    const status = await new Promise<number | string>((resolve) => {
      const req = request(`${relay.url}/api/voices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${relay.secrets.token}`, 'content-type': 'multipart/form-data; boundary=xyz' },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      // The relay closes the connection after its answer: the write then fails, the answer is in.
      req.on('error', (err: NodeJS.ErrnoException) => setTimeout(() => resolve(err.code ?? 'error'), 1000));
      const chunk = Buffer.alloc(256 * 1024);
      const pump = (): void => {
        while (sent < 64 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
      };
      req.write('--xyz\r\nContent-Disposition: form-data; name="promptWav"; filename="a.wav"\r\n\r\n');
      pump();
    });
    expect([413, 'EPIPE', 'ECONNRESET']).toContain(status);
    expect(sent).toBeLessThan(64 * 1024 * 1024); // the relay stopped reading long before the end
  });

  it('401 without the token, before the upload is read', async () => {
    const res = await upload({ name: 'nope' }, null);
    expect(res.status).toBe(401);
    expect((await relay.get('/api/voices', null)).status).toBe(401);
  });

  it('404 deleting an unknown id or a preset; a deleted voice no longer resolves', async () => {
    expect((await remove('clone:0000000000000000')).status).toBe(404);
    expect(await errorOf(await remove('embedded:en-us'))).toMatchObject({ code: 'not_found', message: expect.stringMatching(/preset/) });
    const { id } = (await (await upload({ name: 'short-lived' })).json()) as { id: string };
    const res = await remove(id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id, deleted: true });
    expect(relay.voices.resolve('short-lived')).toBeUndefined();
    expect((await relay.get(`/api/voices/${encodeURIComponent(id)}/audio`)).status).toBe(404);
  });

  it('keeps the library across a restart', async () => {
    const before = await list();
    await relay.stop();
    relay = await startHarness({}, engines(), dataDir);
    expect(await list()).toEqual(before);
    expect(relay.voices.resolve('Streamer')).toMatchObject({ kind: 'clone' });
  });
});
