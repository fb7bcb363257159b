/**
 * The relay with the official CosyVoice server's default model (CosyVoice2: no SFT speakers)
 * behind TTS_ENGINE=cosyvoice-selfhost, against the fake server.py: the preset readout is
 * dropped with a named reason (never waits forever, never "cannot reach"), or spoken by the
 * next engine of the chain; /healthz shows each server probed reachable before any caption.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointStatus } from '../../server/src/core/engine.ts';
import { type FakeSelfhost, startFakeSelfhost } from '../fakes/cosyvoice-selfhost/fake-selfhost-server.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';

let fake: FakeSelfhost | undefined;
let relay: Harness | undefined;

afterEach(async () => {
  await relay?.stop();
  await fake?.close();
  relay = fake = undefined;
});

async function start(engines: string): Promise<Harness> {
  fake = await startFakeSelfhost({ model: 'v2' });
  relay = await startHarness({
    TTS_ENGINE: engines,
    COSYVOICE_SELFHOST_URL: fake.url,
    COSYVOICE_SELFHOST_SAMPLE_RATE_HZ: '24000',
    TTS_FALLBACK_BUDGET_MS: '1500',
  });
  return relay;
}

/** Posts a caption with an overlay connected; resolves to how the readout ended for the overlay. */
async function readout(h: Harness, text: string): Promise<{ ended: 'end' | 'cancel'; reason?: string; chunks: number }> {
  const overlay = h.overlay();
  await new Promise<void>((resolve) => overlay.on('connect', () => resolve()));
  let chunks = 0;
  overlay.on('audio:chunk', () => (chunks += 1));
  const res = await h.post('/api/captions', { text });
  const { id } = (await res.json()) as { id: string };
  const outcome = await new Promise<{ ended: 'end' | 'cancel'; reason?: string }>((resolve) => {
    overlay.on('utterance:end', (e) => {
      if (e.id !== id) return;
      overlay.emit('playback:start', { id, atMs: Date.now() });
      overlay.emit('playback:end', { id });
      resolve({ ended: 'end' });
    });
    overlay.on('utterance:cancel', (e) => e.id === id && resolve({ ended: 'cancel', reason: e.reason }));
  });
  overlay.disconnect();
  return { ...outcome, chunks };
}

const healthz = async (h: Harness) =>
  (await (await fetch(`${h.url}/healthz`)).json()) as {
    engine: { endpoints?: EndpointStatus[]; chain?: { name: string; endpoints?: EndpointStatus[] }[] };
  };

describe('relay with a CosyVoice2 self-hosted server (no SFT speakers)', () => {
  it('shows the server reachable on /healthz before any caption, then drops a preset readout naming the unknown speaker', async () => {
    const h = await start('cosyvoice-selfhost');
    for (let tries = 0; (await healthz(h)).engine.endpoints?.[0]?.checkedAtMs === 0 && tries < 100; tries++) await new Promise((r) => setTimeout(r, 20));
    expect((await healthz(h)).engine.endpoints).toEqual([{ url: fake!.url, reachable: true, checkedAtMs: expect.any(Number) }]);
    const outcome = await readout(h, '你好，世界。');
    expect(outcome.ended).toBe('cancel');
    expect(outcome.reason).toMatch(/synthesis failed \(unknown_speaker\).*\/inference_sft for speaker 中文女/u);
    expect(outcome.reason).not.toMatch(/cannot reach/u);
  });

  it('with a chain, the next engine speaks the readout and /healthz lists the self-hosted server under its engine', async () => {
    const h = await start('cosyvoice-selfhost,embedded');
    const outcome = await readout(h, 'The next engine speaks.');
    expect(outcome).toMatchObject({ ended: 'end' });
    expect(outcome.chunks).toBeGreaterThan(0);
    const health = await healthz(h);
    expect(health.engine.chain?.[0]).toMatchObject({ name: 'cosyvoice-selfhost', endpoints: [{ url: fake!.url, reachable: true }] });
  });
});
