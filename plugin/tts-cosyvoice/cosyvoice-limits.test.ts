/**
 * Global limits and cancellation: a burst far over the quota waits locally instead of being
 * refused upstream, and unsubscribing a running task closes it upstream at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEngineMetrics } from '../../server/src/core/engine-kit/in-memory-engine-metrics.ts';
import { createLocalUpstreamLimiter, unlimitedUpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import { captureSynthesis, drainExactBurst } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, startFakeDashScope } from '../../test/fakes/dashscope/fake-dashscope-server.ts';
import { testEngineOptions, until } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type CosyVoiceEngine, type CosyVoiceEngineOptions, createCosyVoiceEngine } from './index.ts';

// The account quota: 3 task submissions per (scaled) second of 100 ms, 3 concurrent tasks.
const QUOTA = { tasksPerS: 3, rateWindowMs: 100, maxConcurrency: 3 };
const SCALED_TASKS_PER_S = (QUOTA.tasksPerS * 1000) / QUOTA.rateWindowMs;
const throttledUpstream = (fake: FakeDashScope) =>
  Object.entries(fake.stats.tasksFailed).filter(([code]) => code.startsWith('Throttling')).reduce((n, [, count]) => n + count, 0);

describe('cosyvoice global limits', () => {
  let fake: FakeDashScope;
  let engine: CosyVoiceEngine;
  const start = async (overrides: Partial<CosyVoiceEngineOptions> = {}) => {
    fake = await startFakeDashScope({ ...QUOTA, frameIntervalMs: 1 });
    engine = await createCosyVoiceEngine(
      testEngineOptions(fake, { tasksPerS: SCALED_TASKS_PER_S, maxConcurrency: QUOTA.maxConcurrency, pool: { minIdle: 2 }, ...overrides }),
    );
    await until(() => engine.poolStats()[0]!.idle === 2, 1000, 'warm sockets');
  };
  afterEach(async () => {
    await engine?.close();
    await fake?.close();
  });

  it('holds a burst of 5x the quota: zero rate-limit errors upstream, nothing lost, in order', async () => {
    const metrics = createInMemoryEngineMetrics();
    await start({ metrics });
    const burstLength = 5 * QUOTA.tasksPerS;
    const drainMs = await drainExactBurst(engine, burstLength);
    expect(throttledUpstream(fake)).toBe(0);
    expect(fake.stats.runTasks).toBe(burstLength);
    expect(fake.stats.maxActiveTasks).toBeLessThanOrEqual(Math.floor(QUOTA.maxConcurrency * 0.8));
    expect(metrics.throttledWaitsMs.length).toBeGreaterThan(0);
    // 80% of the quota: the 15th submission waits for 14 tokens at 24/s.
    expect(drainMs).toBeGreaterThanOrEqual(((burstLength - 1) / (SCALED_TASKS_PER_S * 0.8)) * 1000 - 20);
  });

  it('the fake enforces the quota: without the limiter the same burst is refused upstream', async () => {
    await start({ limiter: unlimitedUpstreamLimiter, retry: { maxAttempts: 1 } });
    const burst = Array.from({ length: 5 * QUOTA.tasksPerS }, (_, i) => ({ id: `b${i}`, text: `第${i}条。` }));
    const results = await Promise.all(burst.map((request) => captureSynthesis(engine, request)));
    expect(throttledUpstream(fake)).toBeGreaterThan(0);
    expect(results.filter((r) => r.error).length).toBe(throttledUpstream(fake));
  });

  it('unsubscribing a running task closes it upstream at once and frees its slot', async () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: SCALED_TASKS_PER_S, maxConcurrency: QUOTA.maxConcurrency });
    await start({ limiter });
    fake.network.modelFirstPacketMs = 0;
    let chunks = 0;
    const subscription = engine.synthesize({ id: 'c', text: '这是一段很长的文字。'.repeat(20) }).subscribe({
      next: () => {
        chunks += 1;
      },
    });
    await until(() => chunks > 0, 1000, 'audio');
    expect(limiter.active).toBe(1);
    const cancelledAtMs = performance.now();
    subscription.unsubscribe();
    await until(() => fake.stats.clientClosedDuringTask === 1, 500, 'the upstream to see the close');
    expect(performance.now() - cancelledAtMs).toBeLessThan(250);
    expect(fake.stats.tasksFinished).toBe(0);
    await until(() => limiter.active === 0, 500, 'the slot to be released');
  });

  it('aborting the signal errors with a typed cancellation and closes upstream', async () => {
    await start();
    const controller = new AbortController();
    const pending = captureSynthesis(engine, { id: 'd', text: '这是一段很长的文字。'.repeat(20) }, controller.signal);
    await until(() => fake.stats.tasksStarted === 1, 1000, 'the task to start');
    controller.abort();
    expect((await pending).error).toMatchObject({ code: 'cancelled', retryable: false });
    await until(() => fake.stats.clientClosedDuringTask === 1, 500, 'the upstream to see the close');
  });

  it('cancelling while waiting for quota sends nothing upstream', async () => {
    const limiter = createLocalUpstreamLimiter({ tasksPerS: SCALED_TASKS_PER_S, maxConcurrency: 1, utilization: 1 });
    await start({ limiter });
    const first = engine.synthesize({ id: 'e1', text: '这是一段很长的文字。'.repeat(10) }).subscribe();
    await until(() => fake.stats.tasksStarted === 1, 500, 'the first task');
    const second = engine.synthesize({ id: 'e2', text: '你好。' }).subscribe();
    await until(() => limiter.waiting === 1, 500, 'the second to queue');
    second.unsubscribe();
    expect(limiter.waiting).toBe(0);
    first.unsubscribe();
    await until(() => limiter.active === 0, 500, 'the first slot to be released');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.stats.runTasks).toBe(1);
  });
});
