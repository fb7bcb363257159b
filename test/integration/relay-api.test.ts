import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioChunkEvent, CueEvent, UtteranceStartEvent } from '../../server/src/core/protocol.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';

let relay: Harness;

beforeAll(async () => {
  relay = await startHarness({ RELAY_MAX_TEXT_CHARS: '200' });
});
afterAll(async () => {
  await relay?.stop();
});

type Received =
  | { type: 'utterance:start'; data: UtteranceStartEvent }
  | { type: 'audio:chunk'; data: AudioChunkEvent }
  | { type: 'cue'; data: CueEvent }
  | { type: 'utterance:end'; data: { id: string; durationMs: number } };

describe('POST /api/captions → /overlay', () => {
  it('delivers start, ordered binary chunks, cues and end for the returned id, and advances on the ack', async () => {
    const overlay = relay.overlay();
    const events: Received[] = [];
    const ended = new Promise<void>((resolve) => {
      overlay.on('utterance:start', (data) => events.push({ type: 'utterance:start', data }));
      overlay.on('audio:chunk', (data) => events.push({ type: 'audio:chunk', data }));
      overlay.on('cue', (data) => events.push({ type: 'cue', data }));
      overlay.on('utterance:end', (data) => {
        events.push({ type: 'utterance:end', data });
        resolve();
      });
    });
    await new Promise<void>((resolve) => overlay.on('connect', () => resolve()));

    const res = await relay.post('/api/captions', { text: '你好，欢迎来到直播间！Thanks for the follow.', user: 'tester' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^[\w-]{8,64}$/);
    await ended;

    expect(events.every((e) => e.data.id === id)).toBe(true);
    expect(events[0]!.type).toBe('utterance:start');
    const start = events[0]!.data as UtteranceStartEvent;
    expect(start).toMatchObject({ id, user: 'tester', channels: 1, format: 'pcm_s16le', text: '你好，欢迎来到直播间！Thanks for the follow.' });
    expect(start.sampleRateHz).toBe(relay.engine.sampleRateHz);
    expect(events.at(-1)!.type).toBe('utterance:end');

    const chunks = events.filter((e) => e.type === 'audio:chunk').map((e) => e.data as AudioChunkEvent);
    expect(chunks.length).toBeGreaterThan(1);
    let expectedOffsetMs = 0;
    chunks.forEach((c, i) => {
      expect(c.seq).toBe(i);
      expect(Buffer.isBuffer(c.pcm)).toBe(true); // a binary attachment, not base64 text
      expect(c.offsetMs).toBeCloseTo(expectedOffsetMs, 6);
      expect(c.durationMs).toBeCloseTo(((c.pcm as Buffer).byteLength / 2 / start.sampleRateHz) * 1000, 6);
      expectedOffsetMs += c.durationMs;
    });
    const end = events.at(-1)!.data as { durationMs: number };
    expect(end.durationMs).toBeCloseTo(expectedOffsetMs, 6);

    const words = events.filter((e) => e.type === 'cue').flatMap((e) => (e.data as CueEvent).words);
    expect(words.map((w) => w.text).join(' ')).toMatch(/Thanks/);
    for (const w of words) {
      expect(w.endMs).toBeGreaterThan(w.startMs);
      expect(w.endMs).toBeLessThanOrEqual(end.durationMs + 1);
    }

    overlay.emit('playback:start', { id, atMs: Date.now() });
    overlay.emit('playback:end', { id });
    await expect.poll(async () => {
      const q = (await (await relay.get('/api/queue')).json()) as { items: { id: string; state: string }[] };
      return q.items.find((i) => i.id === id)?.state;
    }).toBe('played');
  });

  it('refuses an overlay with a wrong key', async () => {
    const overlay = relay.overlay('not-the-key');
    const err = await new Promise<Error>((resolve) => overlay.on('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
  });

  it('does not let the read-only overlay key call the API', async () => {
    const res = await relay.post('/api/captions', { text: 'hi' }, { token: relay.secrets.overlayKey });
    expect(res.status).toBe(401);
  });
});

describe('DELETE /api/queue/:id', () => {
  it('skips a readout mid-utterance: the overlay gets utterance:cancel and the item is skipped', async () => {
    const overlay = relay.overlay();
    await new Promise<void>((resolve) => overlay.on('connect', () => resolve()));
    const chunkIds = new Set<string>();
    overlay.on('audio:chunk', (c) => chunkIds.add(c.id));
    const long = Array.from({ length: 6 }, (_, i) => `Sentence ${i + 1} of a long readout.`).join(' ');
    const res = await relay.post('/api/captions', { text: long });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await expect.poll(() => chunkIds.has(id)).toBe(true);
    const cancelled = new Promise<{ id: string; reason: string }>((resolve) => overlay.on('utterance:cancel', resolve));
    const skip = await fetch(`${relay.url}/api/queue/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${relay.secrets.token}` } });
    expect(skip.status).toBe(200);
    expect(await cancelled).toEqual({ id, reason: 'skipped' });
    const q = (await (await relay.get('/api/queue')).json()) as { items: { id: string; state: string }[] };
    expect(q.items.find((i) => i.id === id)?.state).toBe('skipped');
    overlay.disconnect();
  });
});

describe('API errors', () => {
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  it('401 without a token', async () => {
    const res = await relay.post('/api/captions', { text: 'hi' }, { token: null });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ code: 'unauthorized' });
  });

  it('400 on bad JSON', async () => {
    const res = await relay.post('/api/captions', '{"text": "unterminated', { raw: true });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'invalid_json' });
  });

  it('400 on empty text and on text that is only whitespace', async () => {
    for (const text of ['', '   \n\t ']) {
      const res = await relay.post('/api/captions', { text });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe('empty_text');
    }
  });

  it('400 on wrong types, with the field named', async () => {
    for (const body of [{ text: 42 }, { text: ['a'] }, { text: 'ok', user: 7 }, { text: 'ok', priority: 'high' }, [1, 2], 'just a string', null]) {
      const res = await relay.post('/api/captions', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('invalid_body');
      expect(error.message.length).toBeGreaterThan(5);
    }
  });

  it('400 on unknown fields', async () => {
    const res = await relay.post('/api/captions', { text: 'ok', colour: 'red' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('unknown_field');
  });

  it('413 on text over the cap, and on a body over the size limit', async () => {
    const res = await relay.post('/api/captions', { text: '长'.repeat(201) });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('text_too_long');
    const huge = await relay.post('/api/captions', { text: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).code).toBe('body_too_large');
  });

  it('404 with the error body on an unknown route and on skipping an unknown id', async () => {
    const res = await relay.get('/api/nope');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
    const skip = await fetch(`${relay.url}/api/queue/does-not-exist`, { method: 'DELETE', headers: { authorization: `Bearer ${relay.secrets.token}` } });
    expect(skip.status).toBe(404);
  });

  it('/healthz answers without auth and /metrics has the first-audio histogram', async () => {
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', engine: { name: 'embedded', healthy: true } });
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_first_audio_latency_ms_bucket/);
  });
});

describe('restart', () => {
  it('resumes a readout accepted before a restart and does not replay one already played', async () => {
    const first = await startHarness({}, undefined, relay.dataDir + '-restart');
    const played = await first.post('/api/captions', { text: 'played before the restart' });
    const pending = await first.post('/api/captions', { text: 'accepted while no overlay was connected' });
    const playedId = ((await played.json()) as { id: string }).id;
    const pendingId = ((await pending.json()) as { id: string }).id;
    // Play the first one to the end with an overlay, then leave before the second starts.
    const overlay = first.overlay();
    await new Promise<void>((resolve) => overlay.on('utterance:end', (e) => e.id === playedId && resolve()));
    overlay.emit('playback:start', { id: playedId, atMs: Date.now() });
    overlay.emit('playback:end', { id: playedId });
    await expect.poll(async () => {
      const q = (await (await first.get('/api/queue')).json()) as { items: { id: string; state: string }[] };
      return q.items.find((i) => i.id === playedId)?.state;
    }).toBe('played');
    overlay.disconnect();
    await first.stop();

    const second = await startHarness({}, undefined, relay.dataDir + '-restart');
    try {
      const again = second.overlay();
      const starts: string[] = [];
      again.on('utterance:start', (e) => starts.push(e.id));
      await new Promise<void>((resolve) => again.on('utterance:end', (e) => e.id === pendingId && resolve()));
      expect(starts, JSON.stringify({ starts, playedId, pendingId })).toEqual([pendingId]);
    } finally {
      await second.stop();
    }
  });
});
