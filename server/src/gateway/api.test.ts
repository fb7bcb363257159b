/** The /api queue and history routes over HTTP, against a fake relay that records what it is asked. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY, NEVER } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, QueueFullError, ValidationError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { HISTORY_FIXTURE } from '../subtitles/fixture.ts';
import { formatHistory } from '../subtitles/format-history.ts';
import { createApp } from './app.ts';
import type { RelayPort, VoicesPort } from './ports.ts';

const TOKEN = 'test-token';

/** Every call the routes make, as `method(args)`. */
const calls: string[] = [];

const relay: RelayPort = {
  submit: async (input) => {
    if (input.voice === 'nobody') throw new ValidationError('unknown_voice', 'no voice named "nobody"');
    return { id: 'new', duplicate: false };
  },
  skip: () => false,
  listQueue: () => [],
  muteSubtitles: (muted) => void calls.push(`muteSubtitles(${muted})`),
  subtitles: () => ({ muted: false, recent: [] }),
  subtitlesChanged$: NEVER,
  pause: () => void calls.push('pause()'),
  resume: () => void calls.push('resume()'),
  clear: (options) => {
    calls.push(`clear(${JSON.stringify(options)})`);
    return options.includePaid ? { cleared: 5, keptPaid: 0 } : { cleared: 3, keptPaid: 2 };
  },
  history: (options) => {
    calls.push(`history(${JSON.stringify(options)})`);
    return HISTORY_FIXTURE;
  },
  replay: async (id) => {
    calls.push(`replay(${id})`);
    if (id === 'unknown') throw new NotFoundError(`no readout with id ${id}`);
    if (id === 'active') throw new ValidationError('not_finished', 'readout active is still queued', 409);
    if (id === 'full') throw new QueueFullError(4);
    return { id: `replay-of-${id}` };
  },
  health: () => ({ status: 'ok', canSpeak: true, engine: { name: 'fake', healthy: true, instructIgnored: 0 }, queue: { active: 0, overlays: 0 } }),
  playbackStarted: () => {},
  playbackEnded: () => {},
  overlayConnectionsChanged: () => {},
  feed: { events$: EMPTY, playback$: EMPTY },
  queueChanged$: EMPTY,
  metricsText: async () => '',
  metricsContentType: 'text/plain',
};

/** /api/voices has its own tests (voices-api.test.ts). */
const voices: VoicesPort = { list: () => [], create: async () => ({ id: '', name: '' }), remove: async () => {}, sample: () => undefined };

let webDir: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'cosy-web-'));
  writeFileSync(join(webDir, 'overlay.html'), '<!doctype html>');
  const app = createApp({
    relay,
    voices,
    formatHistory,
    speech: {
      render: (format, track, limit) => {
        calls.push(`subtitles(${format},${track},${limit})`);
        return { contentType: 'text/plain; charset=utf-8', body: `${format}:${track}` };
      },
      recognition: () => ({ state: 'running', engine: 'dashscope-asr', model: 'paraformer-realtime-v2', feeds: 1, audioSentMs: 60_000 }),
    },
    token: TOKEN,
    webDir,
    log: silentLogger,
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(webDir, { recursive: true, force: true });
});

beforeEach(() => {
  calls.length = 0;
});

function request(method: string, path: string, body?: string, token = TOKEN): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { method, body, headers: { authorization: `Bearer ${token}` } });
}

describe('POST /api/queue/pause|resume', () => {
  it('pauses and resumes', async () => {
    const paused = await request('POST', '/api/queue/pause');
    expect(paused.status).toBe(200);
    expect(await paused.json()).toEqual({ paused: true });
    expect(await (await request('POST', '/api/queue/resume')).json()).toEqual({ paused: false });
    expect(calls).toEqual(['pause()', 'resume()']);
  });

  it('needs the token', async () => {
    expect((await request('POST', '/api/queue/pause', undefined, 'wrong')).status).toBe(401);
    expect(calls).toEqual([]);
  });
});

describe('POST /api/queue/clear', () => {
  it('keeps paid readouts without a body or with {} and says how many it kept', async () => {
    expect(await (await request('POST', '/api/queue/clear')).json()).toEqual({ cleared: 3, keptPaid: 2 });
    expect(await (await request('POST', '/api/queue/clear', '{}')).json()).toEqual({ cleared: 3, keptPaid: 2 });
    expect(calls).toEqual(['clear({"includePaid":false})', 'clear({"includePaid":false})']);
  });

  it('clears paid ones too with includePaid', async () => {
    expect(await (await request('POST', '/api/queue/clear', '{"includePaid": true}')).json()).toEqual({ cleared: 5, keptPaid: 0 });
    expect(calls).toEqual(['clear({"includePaid":true})']);
  });

  it('refuses a bad body with 400 and a clear error', async () => {
    const wrongType = await request('POST', '/api/queue/clear', '{"includePaid": "yes"}');
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'invalid_body', message: expect.stringContaining('includePaid') } });
    const unknown = await request('POST', '/api/queue/clear', '{"everything": true}');
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_field' } });
    expect((await request('POST', '/api/queue/clear', '[]')).status).toBe(400);
    expect(calls).toEqual([]);
  });
});

describe('POST /api/queue/:id/replay', () => {
  it('answers 202 with the new id', async () => {
    const res = await request('POST', '/api/queue/abc/replay');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: 'replay-of-abc' });
    expect(calls).toEqual(['replay(abc)']);
  });

  it('passes the relay’s typed errors through: 404, 409, 429 with Retry-After', async () => {
    const unknown = await request('POST', '/api/queue/unknown/replay');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'no readout with id unknown' } });
    const active = await request('POST', '/api/queue/active/replay');
    expect(active.status).toBe(409);
    expect(await active.json()).toMatchObject({ error: { code: 'not_finished' } });
    const full = await request('POST', '/api/queue/full/replay');
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('4');
  });
});

describe('GET /api/history', () => {
  it('answers JSON by default, the 1,000 most recent', async () => {
    const res = await request('GET', '/api/history');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ items: HISTORY_FIXTURE });
    expect(calls).toEqual(['history({"limit":1000})']);
  });

  it('answers SRT and WebVTT built from the word timings, with the limit asked for', async () => {
    const srt = await request('GET', '/api/history?format=srt&limit=50');
    expect(srt.headers.get('content-type')).toBe('application/x-subrip; charset=utf-8');
    expect(await srt.text()).toMatch(/^1\n00:00:00,000 --> 00:00:01,700\nThanks for the follow, and welcome to the\n\n2\n/);
    const vtt = await request('GET', '/api/history?format=vtt&_=123');
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    const text = await vtt.text();
    expect(text.startsWith('WEBVTT\n\n00:00:00.000 --> 00:00:01.700\n')).toBe(true);
    expect(text).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x&gt;');
    expect(calls).toEqual(['history({"limit":50})', 'history({"limit":1000})']);
  });

  it('refuses an unknown format or a limit out of range with 400', async () => {
    for (const query of ['format=txt', 'limit=0', 'limit=10001', 'limit=ten']) {
      const res = await request('GET', `/api/history?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json(), query).toMatchObject({ error: { code: 'invalid_query' } });
    }
    expect(calls).toEqual([]);
  });
});

describe('the recognized voice: /api/subtitles, /api/subtitles/mute, /api/captioner', () => {
  it('answers the speech log with the format, track and limit asked for (JSON of the original by default)', async () => {
    expect(await (await request('GET', '/api/subtitles')).text()).toBe('json:original');
    expect(await (await request('GET', '/api/subtitles?format=srt&track=both&limit=20')).text()).toBe('srt:both');
    expect(calls).toEqual(['subtitles(json,original,1000)', 'subtitles(srt,both,20)']);
    for (const query of ['track=klingon', 'format=doc', 'limit=0']) {
      const res = await request('GET', `/api/subtitles?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json(), query).toMatchObject({ error: { code: 'invalid_query' } });
    }
  });

  it('mutes and unmutes subtitles, refusing a body without a boolean', async () => {
    const res = await request('POST', '/api/subtitles/mute', '{"muted": true}');
    expect(res.status).toBe(200);
    expect(calls).toEqual(['muteSubtitles(true)']);
    for (const [body, code] of [['', 'invalid_body'], ['{"muted": "yes"}', 'invalid_body'], ['[true]', 'invalid_body'], ['{"muted": true, "x": 1}', 'unknown_field']]) {
      const bad = await request('POST', '/api/subtitles/mute', body);
      expect(bad.status, body).toBe(400);
      expect(await bad.json(), body).toMatchObject({ error: { code } });
    }
    expect((await request('GET', '/api/subtitles/mute')).status).toBe(405);
  });

  it('tells the captioner page how recognition is going, with the token only', async () => {
    expect(await (await request('GET', '/api/captioner')).json()).toEqual({
      recognition: { state: 'running', engine: 'dashscope-asr', model: 'paraformer-realtime-v2', feeds: 1, audioSentMs: 60_000 },
    });
    expect((await request('GET', '/api/captioner', undefined, 'wrong')).status).toBe(401);
    expect((await request('GET', '/api/subtitles', undefined, 'wrong')).status).toBe(401);
  });
});

describe('hostile requests', () => {
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', body: body as BodyInit, headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('answers a known path asked with the wrong method with 405 and Allow', async () => {
    const res = await request('GET', '/api/captions');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await codeOf(res)).toBe('method_not_allowed');
    expect((await request('PUT', '/api/history')).headers.get('allow')).toBe('GET');
  });

  it('refuses invalid UTF-8 (400), compressed bodies and other charsets (415)', async () => {
    const badUtf8 = Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    expect(await codeOf(await post('/api/captions', badUtf8))).toBe('invalid_encoding');
    const gzip = await post('/api/captions', '{"text":"x"}', { 'content-encoding': 'gzip' });
    expect([gzip.status, await codeOf(gzip)]).toEqual([415, 'unsupported_encoding']);
    const latin1 = await post('/api/captions', '{"text":"x"}', { 'content-type': 'application/json; charset=latin1' });
    expect([latin1.status, await codeOf(latin1)]).toEqual([415, 'unsupported_charset']);
    expect((await post('/api/captions', '\uFEFF{"text":"bom"}')).status).toBe(202);
  });

  it('takes source, voice and lang as identifiers only', async () => {
    for (const body of [{ source: 'constructor' }, { source: 'Twitch!' }, { voice: '<speak>' }, { lang: '../etc' }, { lang: 'en\u0000' }]) {
      const res = await post('/api/captions', JSON.stringify({ text: 'x', ...body }));
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    for (const body of [{ source: 'stream-deck' }, { voice: 'longxiaochun_v2' }, { voice: 'gmw/en-US' }, { lang: 'zh-CN' }]) {
      expect((await post('/api/captions', JSON.stringify({ text: 'x', ...body }))).status, JSON.stringify(body)).toBe(202);
    }
  });

  it('takes instruct as bounded plain text only', async () => {
    for (const body of [{ instruct: 'x'.repeat(201) }, { instruct: '<break time="1s"/>' }, { instruct: 'a\u0007b' }, { instruct: 5 }]) {
      const res = await post('/api/captions', JSON.stringify({ text: 'x', ...body }));
      expect([res.status, await codeOf(res)], JSON.stringify(body)).toEqual([400, 'invalid_body']);
    }
    expect((await post('/api/captions', JSON.stringify({ text: 'x', instruct: '用开心的语气说' }))).status).toBe(202);
  });

  it('answers an unknown voice (the relay refuses it) with 400 unknown_voice', async () => {
    const res = await post('/api/captions', JSON.stringify({ text: 'x', voice: 'nobody' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'unknown_voice' } });
  });

  it('answers malformed paths and missing static files with a 4xx error body, not a 500', async () => {
    const badPath = await request('DELETE', '/api/queue/%E0%A4%A');
    expect([badPath.status, await codeOf(badPath)]).toEqual([400, 'bad_request']);
    const missing = await fetch(`${baseUrl}/static/nope.js`);
    expect([missing.status, await codeOf(missing)]).toEqual([404, 'not_found']);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a body over the limit from its Content-Length, and closes instead of reading it', async () => {
    const res = await post('/api/captions', JSON.stringify({ text: 'x'.repeat(200_000) }));
    expect([res.status, await codeOf(res)]).toEqual([413, 'body_too_large']);
    expect(res.headers.get('connection')).toBe('close');
  });
});
