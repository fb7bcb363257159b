/**
 * The relay with the CosyVoice cloud engine first and the embedded engine as fallback,
 * against the fake DashScope server: the viewer-visible outcome of each upstream state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDashScope, type FakeDashScope } from '../fakes/dashscope/fake-dashscope-server.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';

let fake: FakeDashScope | undefined;
let relay: Harness | undefined;

afterEach(async () => {
  await relay?.stop();
  await fake?.close();
  relay = fake = undefined;
});

async function start(apiKey: string): Promise<Harness> {
  fake = await startFakeDashScope({ apiKey: 'right-key' });
  relay = await startHarness({
    TTS_ENGINE: 'cosyvoice,embedded',
    COSYVOICE_API_KEY: apiKey,
    COSYVOICE_URL: fake.url,
    COSYVOICE_SAMPLE_RATE_HZ: '22050',
    TTS_FALLBACK_BUDGET_MS: '1500',
  });
  return relay;
}

/** Posts a caption with an overlay connected and returns what the overlay received. */
async function speak(h: Harness, text: string) {
  const overlay = h.overlay();
  await new Promise<void>((resolve) => overlay.on('connect', () => resolve()));
  const chunks: number[] = [];
  let bytes = 0;
  overlay.on('audio:chunk', (c) => {
    chunks.push(c.seq);
    bytes += (c.pcm as Buffer).byteLength;
  });
  const res = await h.post('/api/captions', { text });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const end = await new Promise<{ id: string; durationMs: number }>((resolve, reject) => {
    overlay.on('utterance:end', (e) => e.id === id && resolve(e));
    overlay.on('utterance:cancel', (e) => e.id === id && reject(new Error(`cancelled: ${e.reason}`)));
  });
  overlay.emit('playback:start', { id, atMs: Date.now() });
  overlay.emit('playback:end', { id });
  overlay.disconnect();
  return { id, end, chunks, bytes };
}

describe('relay with TTS_ENGINE=cosyvoice,embedded', () => {
  it('speaks through DashScope over a warm connection, chunks in order, and /healthz names the chain', async () => {
    const h = await start('right-key');
    const { end, chunks, bytes } = await speak(h, '你好，欢迎来到直播间！Thanks for the follow.');
    expect(chunks).toEqual(chunks.map((_, i) => i));
    expect(end.durationMs).toBeCloseTo((bytes / 2 / 22050) * 1000, 3);
    expect(fake!.stats.tasksFinished).toBe(1);
    expect(fake!.runTaskLog[0]).toMatchObject({ format: 'pcm', sampleRateHz: 22050, wordTimestamps: true });
    const health = (await (await fetch(`${h.url}/healthz`)).json()) as { engine: { name: string; healthy: boolean } };
    expect(health.engine).toMatchObject({ name: 'cosyvoice>embedded', healthy: true });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_engine_first_chunk_ms_count\{engine="cosyvoice"\} 1/);
  });

  it('falls back to the embedded engine when the key is refused, and says why on /healthz', async () => {
    const h = await start('wrong-key');
    const { chunks } = await speak(h, 'The fallback engine still speaks.');
    expect(chunks.length).toBeGreaterThan(0);
    expect(fake!.stats.tasksFinished).toBe(0);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_engine_first_chunk_ms_count\{engine="embedded"\} 1/);
    const health = (await (await fetch(`${h.url}/healthz`)).json()) as {
      status: string;
      engine: { chain: { name: string; healthy: boolean; reason?: string }[]; spokenBy: Record<string, number> };
    };
    expect(health.status).toBe('degraded');
    expect(health.engine.chain[0]).toMatchObject({ name: 'cosyvoice', healthy: false });
    expect(health.engine.chain[0]!.reason).toMatch(/key|401|reject/i);
    expect(health.engine.chain[1]).toEqual({ name: 'embedded', healthy: true });
    expect(health.engine.spokenBy).toEqual({ embedded: 1 });
  });
});

describe('relay with TTS_ENGINE=cosyvoice alone, during an upstream outage', () => {
  it('keeps readouts waiting (not dropped) while every circuit is open, says why, and plays them when DashScope returns', async () => {
    fake = await startFakeDashScope({ apiKey: 'right-key' });
    // The outage: every connection attempt is refused until the faults run out.
    fake.injectConnectionFault({ kind: 'reject-handshake', status: 503 }, 1000);
    relay = await startHarness({
      TTS_ENGINE: 'cosyvoice',
      COSYVOICE_API_KEY: 'right-key',
      COSYVOICE_URL: fake.url,
      COSYVOICE_SAMPLE_RATE_HZ: '22050',
    });
    const h = relay;
    const overlay = h.overlay();
    await new Promise<void>((resolve) => overlay.on('connect', () => resolve()));
    const ended: string[] = [];
    overlay.on('utterance:end', (e) => {
      ended.push(e.id);
      overlay.emit('playback:start', { id: e.id, atMs: Date.now() });
      overlay.emit('playback:end', { id: e.id });
    });
    const res = await h.post('/api/captions', { text: '上游恢复后再播。Played once the upstream is back.' });
    const { id } = (await res.json()) as { id: string };

    const healthOf = async () => {
      const r = await fetch(`${h.url}/healthz`);
      return { status: r.status, body: (await r.json()) as { engine: { detail?: string } } };
    };
    await expect.poll(async () => (await healthOf()).status, { timeout: 20_000, interval: 200 }).toBe(503);
    expect((await healthOf()).body.engine.detail).toMatch(/circuit|503|connect|refus|unavailable/i);
    const waiting = (await (await h.get('/api/queue')).json()) as { items: { id: string; state: string }[] };
    expect(['queued', 'synthesizing']).toContain(waiting.items.find((i) => i.id === id)?.state);

    // DashScope comes back: drop the remaining faults by consuming them with a fresh fake state.
    fake.clearFaults();
    await expect.poll(() => ended.includes(id), { timeout: 40_000, interval: 200 }).toBe(true);
    await expect
      .poll(async () => ((await (await h.get('/api/queue')).json()) as { items: { id: string; state: string }[] }).items.find((i) => i.id === id)?.state, {
        timeout: 5_000,
      })
      .toBe('played');
    overlay.disconnect();
  }, 70_000);
});
