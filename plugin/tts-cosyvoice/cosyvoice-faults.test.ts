/**
 * Every upstream fault the fake injects, with its outcome: the utterance's audio still
 * arrives once, in order, sample-exact (compared with a fault-free reference), or the
 * request fails with a clear typed reason when nothing can speak.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEngineMetrics, type InMemoryEngineMetrics } from '../../server/src/core/engine-kit/in-memory-engine-metrics.ts';
import { captureSynthesis, pcmDifference } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, type FakeDashScopeOptions, startFakeDashScope } from '../../test/fakes/dashscope/fake-dashscope-server.ts';
import { referenceSynthesis } from '../../test/fakes/dashscope/reference-synthesis.ts';
import { testEngineOptions, until } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type CosyVoiceEngine, type CosyVoiceEngineOptions, createCosyVoiceEngine } from './index.ts';

const TEXT = '第一句话。第二句来了！Third one, here. 最后。';
const reference = referenceSynthesis(TEXT, { sampleRateHz: 16_000 });

describe('cosyvoice engine under upstream faults', () => {
  let fakes: FakeDashScope[] = [];
  let engine: CosyVoiceEngine;
  let metrics: InMemoryEngineMetrics;
  const start = async (count: number, overrides: Partial<CosyVoiceEngineOptions> = {}, fakeOptions: FakeDashScopeOptions = {}) => {
    fakes = await Promise.all(Array.from({ length: count }, () => startFakeDashScope({ tasksPerS: 100, ...fakeOptions })));
    metrics = createInMemoryEngineMetrics();
    engine = await createCosyVoiceEngine(testEngineOptions(fakes, { metrics, ...overrides }));
  };
  const speak = (text = TEXT, voice?: string) => captureSynthesis(engine, { id: 'u', text, ...(voice ? { voice } : {}) });
  const expectReferenceAudio = (result: Awaited<ReturnType<typeof speak>>) => {
    expect(result.error).toBeUndefined();
    expect(pcmDifference(result.pcm, reference.pcm)).toBeUndefined();
    expect(result.words).toEqual(reference.words);
  };
  afterEach(async () => {
    await engine?.close();
    await Promise.all(fakes.map((f) => f.close()));
  });

  describe('latency', () => {
    it('extra RTT on every frame: audio intact, first packet after two round trips on a warm socket', async () => {
      await start(1, { deadlines: { taskStartedMs: 400, firstAudioMs: 400 } }, { rttMs: 60 });
      await until(() => engine.poolStats()[0]!.idle === 1, 2000, 'warm socket');
      const result = await speak();
      expectReferenceAudio(result);
      expect(result.firstAudioMs!).toBeGreaterThanOrEqual(2 * 60 - 5);
    });

    it('jitter between chunks: audio intact, no retry', async () => {
      await start(1, { deadlines: { stallMs: 300 } }, { jitterMs: 40 });
      expectReferenceAudio(await speak());
      expect(metrics.retries).toEqual({});
    });

    it('model first-packet delay under the deadline: waits for it', async () => {
      await start(1, { deadlines: { firstAudioMs: 300 } }, { modelFirstPacketMs: 150 });
      const result = await speak();
      expectReferenceAudio(result);
      expect(result.firstAudioMs!).toBeGreaterThanOrEqual(150);
    });
  });

  describe('misses before first audio retry at once on the next endpoint', () => {
    it('slow accept (connect deadline)', async () => {
      await start(2, { pool: { minIdle: 0 }, deadlines: { connectMs: 150 } });
      fakes[0]!.injectConnectionFault({ kind: 'slow-accept', ms: 1000 });
      expectReferenceAudio(await speak());
      expect(metrics.retries).toEqual({ 'cosyvoice:deadline_exceeded': 1 });
      expect([fakes[0]!.stats.runTasks, fakes[1]!.stats.runTasks]).toEqual([0, 1]);
    });

    it('stall before task-started', async () => {
      await start(2);
      fakes[0]!.injectTaskFault({ kind: 'stall-before-task-started', ms: Number.POSITIVE_INFINITY });
      const startedMs = performance.now();
      expectReferenceAudio(await speak());
      expect(performance.now() - startedMs).toBeLessThan(200 + 600);
      expect(metrics.retries).toEqual({ 'cosyvoice:deadline_exceeded': 1 });
      await until(() => fakes[0]!.stats.clientClosedDuringTask === 1, 500, 'the stalled task to be closed');
      expect(fakes[1]!.stats.tasksFinished).toBe(1);
    });

    it('stall before first audio', async () => {
      await start(2);
      fakes[0]!.injectTaskFault({ kind: 'stall-before-first-audio', ms: Number.POSITIVE_INFINITY });
      expectReferenceAudio(await speak());
      expect(metrics.retries).toEqual({ 'cosyvoice:deadline_exceeded': 1 });
      await until(() => fakes[0]!.stats.clientClosedDuringTask === 1, 500, 'the stalled task to be closed');
    });

    it('then backs off exponentially with jitter, and fails with the typed phase when nothing speaks', async () => {
      await start(2, { retry: { maxAttempts: 4, baseDelayMs: 40, maxDelayMs: 200 } }, { modelFirstPacketMs: 10_000 });
      const startedMs = performance.now();
      const result = await speak();
      const elapsedMs = performance.now() - startedMs;
      expect(result.error).toMatchObject({ code: 'deadline_exceeded', phase: 'first-audio', retryable: true });
      expect(result.pcm.byteLength).toBe(0);
      // 4 attempts × 200 ms deadline + delays 0, 40, 80 ms
      expect(elapsedMs).toBeGreaterThanOrEqual(4 * 200 + 120 - 10);
      expect(fakes[0]!.stats.runTasks + fakes[1]!.stats.runTasks).toBe(4);
      expect(fakes[0]!.stats.runTasks).toBe(2);
    });
  });

  describe('drops after audio started resume without repeating audio', () => {
    it('drop mid-sentence: resumes that sentence, trims what was heard', async () => {
      await start(1);
      fakes[0]!.injectTaskFault({ kind: 'drop-after-audio-frames', frames: 4 });
      expectReferenceAudio(await speak());
      const [first, second] = fakes[0]!.runTaskLog;
      expect(fakes[0]!.textLog.get(second!.taskId)![0]).toBe(fakes[0]!.textLog.get(first!.taskId)![0]);
      expect(metrics.retries).toEqual({ 'cosyvoice:upstream_dropped': 1 });
    });

    it('drop in a later sentence: resumes from the first sentence not fully received', async () => {
      await start(1);
      const firstSentenceFrames = Math.ceil(reference.sentenceStartSamples[1]! / 1600);
      fakes[0]!.injectTaskFault({ kind: 'drop-after-audio-frames', frames: firstSentenceFrames + 3 });
      expectReferenceAudio(await speak());
      const resumed = fakes[0]!.textLog.get(fakes[0]!.runTaskLog[1]!.taskId)!;
      expect(resumed[0]).toBe('第二句来了！');
    });

    it('server error mid-stream (task-failed after audio)', async () => {
      await start(1);
      fakes[0]!.injectTaskFault({ kind: 'task-failed', code: 'InternalError', message: 'An internal error has occured', afterAudioFrames: 6 });
      expectReferenceAudio(await speak());
      expect(metrics.retries).toEqual({ 'cosyvoice:upstream_error': 1 });
    });

    it('repeated drops: each resume continues where the last one stopped', async () => {
      await start(1);
      fakes[0]!.injectTaskFault({ kind: 'drop-after-audio-frames', frames: 3 }, 3);
      expectReferenceAudio(await speak());
      expect(fakes[0]!.stats.runTasks).toBe(4);
    });
  });

  describe('task-failed answers', () => {
    it('InvalidApiKey: no retry, a clear auth error, unhealthy with a reason', async () => {
      await start(2);
      fakes[0]!.injectTaskFault({ kind: 'task-failed', code: 'InvalidApiKey', message: 'Invalid API-key provided.' });
      const result = await speak();
      expect(result.error).toMatchObject({ code: 'auth_failed', retryable: false });
      expect((result.error as Error).message).toMatch(/COSYVOICE_API_KEY.*InvalidApiKey/);
      expect(fakes[0]!.stats.runTasks + fakes[1]!.stats.runTasks).toBe(1);
      expect(engine.healthy()).toBe(false);
      expect(engine.healthReason()).toMatch(/COSYVOICE_API_KEY/);
      expect((await speak()).error).toMatchObject({ code: 'auth_failed' });
      expect(fakes[1]!.stats.runTasks).toBe(0);
    });

    it('a wrong key refused at the WebSocket upgrade (HTTP 401) disables the engine before any request', async () => {
      await start(1, { apiKey: 'wrong-key' });
      await until(() => !engine.healthy(), 1000, 'unhealthy');
      expect(engine.healthReason()).toMatch(/COSYVOICE_API_KEY.*HTTP 401 InvalidApiKey/);
      expect((await speak()).error).toMatchObject({ code: 'auth_failed', retryable: false });
      expect(fakes[0]!.stats.handshakesRejected).toBe(1);
      expect(fakes[0]!.stats.runTasks).toBe(0);
    });

    it('a voice of another model version: a config error naming COSYVOICE_VOICE', async () => {
      await start(1, { voice: 'longxiaochun' });
      const result = await speak();
      expect(result.error).toMatchObject({ code: 'voice_unsupported', retryable: false });
      expect((result.error as Error).message).toMatch(/voice "longxiaochun".*cosyvoice-v2.*COSYVOICE_VOICE/);
      expect(fakes[0]!.stats.runTasks).toBe(1);
      expect(engine.healthReason()).toMatch(/COSYVOICE_VOICE/);
    });

    it('a bad per-request voice fails that request only', async () => {
      await start(1);
      expect((await speak(TEXT, 'nobody_v2')).error).toMatchObject({ code: 'voice_unsupported' });
      expect(engine.healthy()).toBe(true);
      expectReferenceAudio(await speak());
    });

    it('an unknown model: a config error naming COSYVOICE_MODEL', async () => {
      await start(1, { model: 'cosyvoice-v9' });
      const result = await speak();
      expect(result.error).toMatchObject({ code: 'model_unsupported', retryable: false });
      expect((result.error as Error).message).toMatch(/COSYVOICE_MODEL/);
    });

    it('rate limit: backs off and retries without opening the circuit', async () => {
      await start(2, { breaker: { failureThreshold: 1 } });
      fakes[0]!.injectTaskFault({ kind: 'rate-limit' }, 2);
      const startedMs = performance.now();
      expectReferenceAudio(await speak());
      expect(performance.now() - startedMs).toBeGreaterThanOrEqual(20 + 40 - 5);
      expect(metrics.retries).toEqual({ 'cosyvoice:upstream_throttled': 2 });
      expect(metrics.upstreamErrors).toEqual({ 'cosyvoice:Throttling.RateQuota': 2 });
      expect(fakes[0]!.stats.tasksFinished).toBe(1);
      expect(Object.values(metrics.circuitStates)).not.toContain('open');
    });

    it('server error before audio: retried on the next endpoint', async () => {
      await start(2);
      fakes[0]!.injectTaskFault({ kind: 'task-failed', code: 'InternalError', message: 'An internal error has occured' });
      expectReferenceAudio(await speak());
      expect(fakes[1]!.stats.tasksFinished).toBe(1);
    });
  });

  describe('circuit breaker', () => {
    it('opens after repeated failures: later requests fail fast and the engine reports why', async () => {
      await start(1, { pool: { minIdle: 0 }, breaker: { failureThreshold: 2, openMs: 60_000 }, retry: { maxAttempts: 2 } });
      fakes[0]!.injectConnectionFault({ kind: 'reject-handshake', status: 502 }, 10);
      const first = await speak();
      expect(first.error).toMatchObject({ code: 'connect_failed' });
      expect(engine.healthy()).toBe(false);
      expect(engine.healthReason()).toMatch(/circuit is open/);
      const startedMs = performance.now();
      expect((await speak()).error).toMatchObject({ code: 'circuit_open' });
      // No connect attempt (the handshake count below) and no retry backoff (≥ 20 ms a try).
      expect(performance.now() - startedMs).toBeLessThan(500);
      expect(fakes[0]!.stats.handshakesRejected).toBe(2);
    });

    it('half-opens after the cool-down and closes again on success', async () => {
      await start(1, { pool: { minIdle: 0 }, breaker: { failureThreshold: 1, openMs: 100 }, retry: { maxAttempts: 1 } });
      fakes[0]!.injectConnectionFault({ kind: 'reject-handshake', status: 503 });
      expect((await speak()).error).toMatchObject({ code: 'connect_failed' });
      expect(engine.healthy()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expectReferenceAudio(await speak());
      expect(metrics.circuitStates[`cosyvoice:${fakes[0]!.url}`]).toBe('closed');
    });
  });
});
