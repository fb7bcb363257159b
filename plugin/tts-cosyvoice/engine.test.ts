import { afterEach, describe, expect, it } from 'vitest';
import { splitWords } from '../../server/src/core/engine-kit/text-segmentation.ts';
import { captureSynthesis, pcmDifference } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, type FakeDashScopeOptions, startFakeDashScope } from '../../test/fakes/dashscope/fake-dashscope-server.ts';
import { referenceSynthesis } from '../../test/fakes/dashscope/reference-synthesis.ts';
import { testEngineOptions } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type CosyVoiceEngine, createCosyVoiceEngine } from './index.ts';

const TEXT = '你好，世界。今天天气怎么样？Hello there, my friend. 再见！';

describe('cosyvoice engine (DashScope duplex WebSocket)', () => {
  let fake: FakeDashScope;
  let engine: CosyVoiceEngine;
  const start = async (fakeOptions: FakeDashScopeOptions = {}, engineOverrides = {}) => {
    fake = await startFakeDashScope(fakeOptions);
    engine = await createCosyVoiceEngine(testEngineOptions(fake, engineOverrides));
  };
  afterEach(async () => {
    await engine?.close();
    await fake?.close();
  });

  it('speaks the text as PCM at the configured rate, with engine word cues on the audio clock', async () => {
    await start({}, { volume: 60, rate: 1.2, pitch: 0.9 });
    const result = await captureSynthesis(engine, { id: 'u1', text: TEXT });
    expect(result.error).toBeUndefined();
    const reference = referenceSynthesis(TEXT, { sampleRateHz: 16_000, volume: 60, rate: 1.2, pitch: 0.9 });
    expect(result.sampleRates).toEqual(new Set([16_000]));
    expect(pcmDifference(result.pcm, reference.pcm)).toBeUndefined();
    expect(result.timings).toEqual(new Set(['engine']));
    expect(result.words).toEqual(reference.words);
    expect(result.words.map((w) => w.text)).toEqual(splitWords(TEXT).map((w) => w.text));
    const audioMs = (result.pcm.byteLength / 2 / 16_000) * 1000;
    expect(result.words.at(-1)!.endMs).toBeLessThanOrEqual(audioMs);
  });

  it('sends run-task with every parameter, one continue-task per sentence, then finish-task', async () => {
    await start();
    await captureSynthesis(engine, { id: 'u2', text: TEXT });
    expect(fake.runTaskLog).toEqual([
      expect.objectContaining({
        model: 'cosyvoice-v2',
        voice: 'longxiaochun_v2',
        format: 'pcm',
        sampleRateHz: 16_000,
        volume: 50,
        rate: 1,
        pitch: 1,
        wordTimestamps: true,
      }),
    ]);
    expect(fake.textLog.get(fake.runTaskLog[0]!.taskId)).toEqual(['你好，世界。', '今天天气怎么样？', 'Hello there, my friend. ', '再见！']);
    expect(fake.stats).toMatchObject({ finishTasks: 1, tasksFinished: 1, tasksFailed: {} });
  });

  it('uses a per-request voice', async () => {
    await start();
    const result = await captureSynthesis(engine, { id: 'u3', text: '你好。', voice: 'longwan_v2' });
    expect(result.error).toBeUndefined();
    expect(fake.runTaskLog[0]!.voice).toBe('longwan_v2');
  });

  it('puts sentence-relative word times on the same clock as task-relative ones', async () => {
    await start({ wordTimeBase: 'sentence' });
    const result = await captureSynthesis(engine, { id: 'u4', text: TEXT });
    expect(result.words).toEqual(referenceSynthesis(TEXT, { sampleRateHz: 16_000 }).words);
  });

  it('starts speaking after the first sentence of a long readout', async () => {
    await start({ frameIntervalMs: 5 });
    const long = Array.from({ length: 6 }, (_, i) => `这是第${i + 1}句话。`).join('');
    const startedMs = performance.now();
    const result = await captureSynthesis(engine, { id: 'u5', text: long });
    const totalMs = performance.now() - startedMs;
    expect(result.error).toBeUndefined();
    expect(result.firstAudioMs!).toBeLessThan(totalMs / 4);
  });

  it('splits a sentence over 20,000 DashScope characters across continue-tasks', async () => {
    await start();
    const text = `开${' '.repeat(25_000)}始。`;
    const result = await captureSynthesis(engine, { id: 'u6', text });
    expect(result.error).toBeUndefined();
    expect(fake.textLog.get(fake.runTaskLog[0]!.taskId)!.length).toBeGreaterThan(1);
    expect(fake.stats.tasksFailed).toEqual({});
    expect(result.words.map((w) => w.text)).toEqual(['开', '始']);
  });

  it('refuses a text over 200,000 characters without contacting DashScope', async () => {
    await start({}, { pool: { minIdle: 0 } });
    const result = await captureSynthesis(engine, { id: 'u7', text: '长'.repeat(100_001) });
    expect(result.error).toMatchObject({ code: 'text_too_long', retryable: false });
    expect(fake.stats.connectionsAccepted).toBe(0);
  });

  it('completes an empty text at once', async () => {
    await start();
    const result = await captureSynthesis(engine, { id: 'u8', text: '   ' });
    expect(result).toMatchObject({ error: undefined, outputs: [] });
    expect(fake.stats.runTasks).toBe(0);
  });

  it('reports first-packet phases and pool sizes through EngineMetrics', async () => {
    const { createInMemoryEngineMetrics } = await import('../../server/src/core/engine-kit/in-memory-engine-metrics.ts');
    const metrics = createInMemoryEngineMetrics();
    await start({}, { metrics });
    await captureSynthesis(engine, { id: 'u9', text: '你好。' });
    for (const phase of ['limiter', 'connect', 'task-started', 'first-audio', 'total']) {
      expect(metrics.firstPacketMs[`cosyvoice:${phase}`]).toHaveLength(1);
    }
    expect(metrics.poolSizes[`cosyvoice:${fake.url}`]).toMatchObject({ busy: 0 });
    expect(metrics.connectionsOpened['cosyvoice:warm']).toBeGreaterThanOrEqual(1);
  });

  it('validates options with messages that name the setting', async () => {
    await expect(createCosyVoiceEngine({ apiKey: '', urls: ['wss://x'] })).rejects.toThrow(/COSYVOICE_API_KEY/);
    await expect(createCosyVoiceEngine({ apiKey: 'k', urls: ['http://x'] })).rejects.toThrow(/COSYVOICE_URL/);
    await expect(createCosyVoiceEngine({ apiKey: 'k', urls: ['wss://x'], sampleRateHz: 12_345 })).rejects.toThrow(/sample rate/);
    await expect(createCosyVoiceEngine({ apiKey: 'k', urls: ['wss://x'], rate: 3 })).rejects.toThrow(/rate/);
  });
});
