import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSelfhost, startFakeSelfhost } from './fake-selfhost-server.ts';

describe('fake CosyVoice FastAPI server', () => {
  let fake: FakeSelfhost;
  afterEach(() => fake?.close());

  it('streams raw int16 PCM for a form POST', async () => {
    fake = await startFakeSelfhost({ sampleRateHz: 24_000 });
    const response = await fetch(`${fake.url}/inference_sft`, { method: 'POST', body: new URLSearchParams({ tts_text: '你好。', spk_id: '中文女' }) });
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.byteLength % 2).toBe(0);
    expect(bytes.byteLength / 2 / 24_000).toBeGreaterThan(0.4);
  });

  it('answers a missing field with 422 like FastAPI, an unknown speaker with 500, another path with 404', async () => {
    fake = await startFakeSelfhost();
    const missing = await fetch(`${fake.url}/inference_sft`, { method: 'POST', body: new URLSearchParams({ tts_text: 'x' }) });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ detail: [{ loc: ['body', 'spk_id'], msg: 'Field required' }] });
    const unknown = await fetch(`${fake.url}/inference_sft?tts_text=x&spk_id=nobody`);
    expect(unknown.status).toBe(500);
    expect((await fetch(`${fake.url}/tts`)).status).toBe(404);
  });
});
