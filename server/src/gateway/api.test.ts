/** The /api queue and history routes over HTTP, against a fake relay that records what it is asked. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, QueueFullError, ValidationError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { HISTORY_FIXTURE } from '../history/fixture.ts';
import { createApp } from './app.ts';
import type { RelayPort } from './ports.ts';

const TOKEN = 'test-token';

/** Every call the routes make, as `method(args)`. */
const calls: string[] = [];

const relay: RelayPort = {
  submit: () => ({ id: 'new', duplicate: false }),
  skip: () => false,
  listQueue: () => [],
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
  replay: (id) => {
    calls.push(`replay(${id})`);
    if (id === 'unknown') throw new NotFoundError(`no readout with id ${id}`);
    if (id === 'active') throw new ValidationError('not_finished', 'readout active is still queued', 409);
    if (id === 'full') throw new QueueFullError(4);
    return { id: `replay-of-${id}` };
  },
  health: () => ({ status: 'ok', canSpeak: true, engine: { name: 'fake', healthy: true }, queue: { active: 0, overlays: 0 } }),
  playbackStarted: () => {},
  playbackEnded: () => {},
  overlayConnectionsChanged: () => {},
  overlayEvents$: EMPTY,
  queueChanged$: EMPTY,
  metricsText: async () => '',
  metricsContentType: 'text/plain',
};

let webDir: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'cosy-web-'));
  writeFileSync(join(webDir, 'overlay.html'), '<!doctype html>');
  const app = createApp({ relay, token: TOKEN, webDir, log: silentLogger });
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
