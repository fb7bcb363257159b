/** The self-hosted engine against the fake server.py: the route per voice, named errors that leave working voices alone, probes, the rate check. */
import { afterEach, describe, expect, it } from 'vitest';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import type { SynthesisRequest } from '../../server/src/core/types.ts';
import { captureSynthesis } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { until } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type FakeSelfhost, type FakeSelfhostOptions, startFakeSelfhost } from '../../test/fakes/cosyvoice-selfhost/fake-selfhost-server.ts';
import { wavFile } from '../../test/fakes/wav-file.ts';
import { type CosyVoiceSelfhostOptions, createCosyVoiceSelfhostEngine } from './index.ts';

const PROMPT = wavFile(new Int16Array(16_000 * 3).map((_, i) => Math.round(6000 * Math.sin(i / 9))), 16_000);
const CLONE = { id: 'my-voice', engine: 'cosyvoice-selfhost', prompt: { wav: PROMPT, text: '这是我自己的声音。', lang: 'zh' } };

describe('cosyvoice self-hosted: voices, errors and probes', () => {
  let fake: FakeSelfhost;
  let engine: TtsEngine;
  const start = async (fakeOptions: FakeSelfhostOptions = { model: 'v2' }, overrides: Partial<CosyVoiceSelfhostOptions> = {}) => {
    fake = await startFakeSelfhost(fakeOptions);
    engine = await createCosyVoiceSelfhostEngine({
      urls: [fake.url],
      sampleRateHz: 24_000,
      random: () => 0.5,
      breaker: { failureThreshold: 2 },
      deadlines: { connectMs: 2000, firstAudioMs: 2000, stallMs: 2000 },
      retry: { baseDelayMs: 10, maxDelayMs: 20, jitterRatio: 0 },
      probeIntervalMs: 50,
      ...overrides,
    });
  };
  const speak = (request: Partial<SynthesisRequest>) => captureSynthesis(engine, { id: 'r', text: '你好，世界。', ...request });
  afterEach(async () => {
    await engine?.close();
    await fake?.close();
  });

  it('a cloned voice speaks through zero_shot, and cross_lingual for a sentence in another language, one request per sentence', async () => {
    await start();
    const result = await speak({ text: '你好，世界。Fine, thanks.', clone: CLONE });
    expect(result.error).toBeUndefined();
    expect(result.pcm.byteLength).toBeGreaterThan(0);
    expect(fake.stats.calls).toEqual([
      { route: 'inference_zero_shot', fields: { tts_text: '你好，世界。', prompt_text: '这是我自己的声音。' }, promptWavBytes: PROMPT.byteLength },
      { route: 'inference_cross_lingual', fields: { tts_text: 'Fine, thanks.' }, promptWavBytes: PROMPT.byteLength },
    ]);
    expect(engine.cloning).toEqual({ kind: 'prompt' });
  });

  it('an instruction with a cloned voice goes to instruct2 (v2/v3); with a preset on a v1 -Instruct server to /inference_instruct', async () => {
    await start();
    expect(engine.speechParams).toEqual(['instruct']);
    expect((await speak({ clone: CLONE, instruct: '用四川话说' })).error).toBeUndefined();
    expect(fake.stats.calls[0]).toMatchObject({ route: 'inference_instruct2', fields: { instruct_text: '用四川话说' } });
    await engine.close();
    await fake.close();
    await start({ model: 'v1-instruct' }, { sampleRateHz: 22_050, instruct: 'instruct' });
    expect((await speak({ voice: '中文男', instruct: '用开心的语气说' })).error).toBeUndefined();
    expect(fake.stats.calls[0]).toEqual({ route: 'inference_instruct', fields: { tts_text: '你好，世界。', spk_id: '中文男', instruct_text: '用开心的语气说' } });
  });

  it('a v2 model has no SFT speakers: unknown_speaker, not retried, not "cannot reach", and cloned voices keep working (no circuit opens)', async () => {
    await start();
    for (let i = 0; i < 4; i++) {
      const result = await speak({ voice: '中文女' });
      expect(result.error).toMatchObject({ code: 'unknown_speaker', retryable: false });
      expect((result.error as Error).message).toMatch(/\/inference_sft for speaker 中文女/u);
    }
    expect(fake.stats.calls).toHaveLength(4);
    expect(engine.healthy()).toBe(true);
    expect((await speak({ clone: CLONE })).error).toBeUndefined();
  });

  it('a cloned voice for another engine speaks with the default speaker', async () => {
    await start({ model: 'v1-sft' }, { sampleRateHz: 22_050 });
    expect((await speak({ voice: 'ignored', clone: { id: 'x', engine: 'cosyvoice', enrolledVoiceId: 'v' } })).error).toBeUndefined();
    expect(fake.stats.calls[0]).toMatchObject({ route: 'inference_sft', fields: { spk_id: '中文女' } });
  });

  it('prompt audio the server cannot decode: server_error with the route and the server text, per voice', async () => {
    await start();
    const broken = { ...CLONE, prompt: { ...CLONE.prompt, wav: new TextEncoder().encode('not a wav') } };
    for (let i = 0; i < 3; i++) {
      const result = await speak({ clone: broken });
      expect(result.error).toMatchObject({ code: 'server_error', retryable: false });
      expect((result.error as Error).message).toMatch(/HTTP 500 from \/inference_zero_shot: Internal Server Error/u);
    }
    expect(engine.healthy()).toBe(true);
    expect((await speak({ clone: CLONE })).error).toBeUndefined();
  });

  it('probes each server at start and while idle: reachable, then unreachable when it stops, and the engine says why', async () => {
    await start();
    await until(() => engine.endpointStatuses!()[0]!.checkedAtMs > 0, 1000, 'the first probe');
    expect(engine.endpointStatuses!()).toEqual([{ url: fake.url, reachable: true, checkedAtMs: expect.any(Number) }]);
    expect(fake.stats.calls).toEqual([]); // the probe is an empty POST (a 422), no model work
    await fake.close();
    await until(() => engine.endpointStatuses!()[0]!.reachable === false, 1000, 'the probe to notice');
    expect(engine.endpointStatuses!()[0]!.detail).toMatch(/cannot reach the CosyVoice server.*ECONNREFUSED/u);
    expect(engine.healthy()).toBe(false);
    expect(engine.healthReason()).toMatch(/no cosyvoice-selfhost server answers/u);
  });

  it('a server that is not CosyVoice is reported unreachable by the probe', async () => {
    await start();
    await engine.close();
    engine = await createCosyVoiceSelfhostEngine({ urls: [`${fake.url}/elsewhere`], probeIntervalMs: 50 });
    await until(() => engine.endpointStatuses!()[0]!.checkedAtMs > 0, 1000, 'the probe');
    expect(engine.endpointStatuses!()[0]).toMatchObject({ reachable: false, detail: expect.stringMatching(/not the CosyVoice FastAPI server/u) });
  });

  it('a sample-rate setting far from the audio is noticed from how fast speech comes out, and shown on the endpoint', async () => {
    await start({ model: 'v2', sampleRateHz: 48_000 });
    const text = '今天天气非常好。我们一起去公园散步吧。晚上回家吃饭看电视。';
    expect((await speak({ text, clone: CLONE })).error).toBeUndefined();
    await until(() => engine.endpointStatuses!()[0]!.detail !== undefined, 1000, 'the rate finding');
    expect(engine.endpointStatuses!()[0]).toMatchObject({ reachable: true, detail: expect.stringMatching(/COSYVOICE_SELFHOST_SAMPLE_RATE_HZ/u) });
  });

  it('a right sample rate raises nothing', async () => {
    await start();
    expect((await speak({ text: '今天天气非常好。我们一起去公园散步吧。晚上回家吃饭看电视。', clone: CLONE })).error).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(engine.endpointStatuses!()[0]!.detail).toBeUndefined();
  });
});
