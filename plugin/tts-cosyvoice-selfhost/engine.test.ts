import { afterEach, describe, expect, it } from 'vitest';
import { splitSentences } from '../../server/src/core/engine-kit/text-segmentation.ts';
import { createInMemoryEngineMetrics, type InMemoryEngineMetrics } from '../../server/src/core/engine-kit/in-memory-engine-metrics.ts';
import { captureSynthesis, pcmDifference } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { referenceSynthesis } from '../../test/fakes/dashscope/reference-synthesis.ts';
import { until } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type FakeSelfhost, type FakeSelfhostOptions, startFakeSelfhost } from '../../test/fakes/cosyvoice-selfhost/fake-selfhost-server.ts';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { type CosyVoiceSelfhostOptions, createCosyVoiceSelfhostEngine } from './index.ts';

const TEXT = '你好，世界。今天天气怎么样？Fine, thanks.';

describe('cosyvoice self-hosted engine', () => {
  let fakes: FakeSelfhost[] = [];
  let engine: TtsEngine;
  let metrics: InMemoryEngineMetrics;
  const start = async (count = 1, overrides: Partial<CosyVoiceSelfhostOptions> = {}, fakeOptions: FakeSelfhostOptions = {}) => {
    fakes = await Promise.all(Array.from({ length: count }, () => startFakeSelfhost(fakeOptions)));
    metrics = createInMemoryEngineMetrics();
    engine = await createCosyVoiceSelfhostEngine({
      urls: fakes.map((f) => f.url),
      metrics,
      random: () => 0.5,
      ...overrides,
      deadlines: { connectMs: 200, firstAudioMs: 200, stallMs: 200, ...overrides.deadlines },
      retry: { baseDelayMs: 20, maxDelayMs: 80, jitterRatio: 0, ...overrides.retry },
    });
  };
  const speak = (text = TEXT, voice?: string) => captureSynthesis(engine, { id: 's', text, ...(voice ? { voice } : {}) });
  const expectReference = (result: Awaited<ReturnType<typeof speak>>, sampleRateHz = 22_050) => {
    expect(result.error).toBeUndefined();
    expect(pcmDifference(result.pcm, referenceSynthesis(TEXT, { sampleRateHz }).pcm)).toBeUndefined();
  };
  afterEach(async () => {
    await engine?.close();
    await Promise.all(fakes.map((f) => f.close()));
  });

  it('streams each sentence from /inference_sft and estimates word cues on the audio clock', async () => {
    await start();
    const result = await speak();
    expectReference(result);
    expect(result.sampleRates).toEqual(new Set([22_050]));
    expect(fakes[0]!.stats.texts).toEqual(splitSentences(TEXT));
    expect(result.timings).toEqual(new Set(['estimated']));
    const truth = referenceSynthesis(TEXT, { sampleRateHz: 22_050 }).words;
    expect(result.words.map((w) => w.text)).toEqual(truth.map((w) => w.text));
    result.words.forEach((word, i) => expect(Math.abs(word.startMs - truth[i]!.startMs)).toBeLessThanOrEqual(60));
    expect(metrics.firstPacketMs['cosyvoice-selfhost:total']).toHaveLength(1);
  });

  it('speaks at 24 kHz when configured for a CosyVoice 2 server, with the requested speaker', async () => {
    await start(1, { sampleRateHz: 24_000 }, { sampleRateHz: 24_000 });
    const result = await speak(TEXT, '英文女');
    expectReference(result, 24_000);
    expect(result.sampleRates).toEqual(new Set([24_000]));
  });

  it('retries a gateway error (a proxy in front of the server) on the next endpoint', async () => {
    await start(2);
    fakes[0]!.injectFault({ kind: 'http-error', status: 502 });
    expectReference(await speak());
    expect(metrics.retries).toEqual({ 'cosyvoice-selfhost:upstream_error': 1 });
  });

  it('resumes a dropped stream at the sentence it cut, without repeating audio', async () => {
    await start(1);
    fakes[0]!.injectFault({ kind: 'drop-after-bytes', bytes: 20_001 });
    expectReference(await speak());
    expect(fakes[0]!.stats.texts).toEqual(['你好，世界。', '你好，世界。', '今天天气怎么样？', 'Fine, thanks.']);
    expect(metrics.retries).toEqual({ 'cosyvoice-selfhost:upstream_dropped': 1 });
  });

  it('stall before headers or first audio: deadline, then the next endpoint at once', async () => {
    await start(2);
    fakes[0]!.injectFault({ kind: 'stall-before-headers', ms: 5000 });
    expectReference(await speak());
    fakes[0]!.injectFault({ kind: 'stall-before-first-audio', ms: 5000 });
    expectReference(await speak());
    expect(metrics.retries).toEqual({ 'cosyvoice-selfhost:deadline_exceeded': 2 });
    await until(() => fakes[0]!.stats.abortedByClient === 2, 500, 'the stalled requests to be aborted');
  });

  it('fails with a typed reason when no server answers', async () => {
    await start(1, { retry: { maxAttempts: 3 } });
    await fakes[0]!.close();
    const result = await speak();
    expect(result.error).toMatchObject({ code: 'connect_failed', retryable: true });
    expect((result.error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('a URL that is not a CosyVoice server disables the engine with a reason', async () => {
    await start(1);
    engine = await createCosyVoiceSelfhostEngine({ urls: [`${fakes[0]!.url}/wrong`] });
    expect((await speak()).error).toMatchObject({ code: 'endpoint_not_found', retryable: false });
    expect(engine.healthy()).toBe(false);
    expect(engine.healthReason()).toMatch(/COSYVOICE_SELFHOST_URL/);
  });

  it('unsubscribing aborts the request upstream at once', async () => {
    await start(1, {}, { chunkIntervalMs: 20 });
    let chunks = 0;
    const subscription = engine.synthesize({ id: 'c', text: '这是一段很长的文字。' }).subscribe(() => (chunks += 1));
    await until(() => chunks > 0, 1000, 'audio');
    subscription.unsubscribe();
    await until(() => fakes[0]!.stats.abortedByClient === 1, 200, 'the server to see the abort');
    expect(fakes[0]!.stats.completed).toBe(0);
  });
});
