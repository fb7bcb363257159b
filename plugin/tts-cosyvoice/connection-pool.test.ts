import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEngineMetrics, type InMemoryEngineMetrics } from '../../server/src/core/engine-kit/in-memory-engine-metrics.ts';
import { captureSynthesis } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, type FakeDashScopeOptions, startFakeDashScope } from '../../test/fakes/dashscope/fake-dashscope-server.ts';
import { everyPhaseWithin, QUOTA_NOT_UNDER_TEST, testEngineOptions, until } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type CosyVoiceEngine, type CosyVoicePoolOptions, createCosyVoiceEngine } from './index.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cosyvoice warm connection pool', () => {
  let fake: FakeDashScope;
  let engine: CosyVoiceEngine;
  let metrics: InMemoryEngineMetrics;
  // Deadlines and the quota are not under test here: a retry after a slow first packet would be
  // a second run-task, on another connection.
  const start = async (pool: Partial<CosyVoicePoolOptions>, fakeOptions: FakeDashScopeOptions = {}) => {
    fake = await startFakeDashScope({ ...QUOTA_NOT_UNDER_TEST, ...fakeOptions });
    metrics = createInMemoryEngineMetrics();
    engine = await createCosyVoiceEngine(testEngineOptions(fake, { pool, metrics, deadlines: everyPhaseWithin(3000) }));
  };
  const idle = () => engine.poolStats()[0]!.idle;
  const runTaskConnections = () => fake.stats.events.filter((e) => e.type === 'run-task').map((e) => e.connection);
  afterEach(async () => {
    await engine?.close();
    await fake?.close();
  });

  it('reuses one connection task after task', async () => {
    await start({ minIdle: 0 });
    for (const id of ['a', 'b', 'c']) expect((await captureSynthesis(engine, { id, text: '你好。' })).error).toBeUndefined();
    expect(fake.stats.connectionsAccepted).toBe(1);
    expect(runTaskConnections()).toEqual([1, 1, 1]);
    expect(metrics.connectionsOpened).toEqual({ 'cosyvoice:cold': 1 });
  });

  it('keeps minIdle sockets warm so requests never connect on the critical path', async () => {
    await start({ minIdle: 2 });
    await until(() => idle() === 2, 1000, 'two warm sockets');
    const results = await Promise.all(['a', 'b'].map((id) => captureSynthesis(engine, { id, text: '你好。' })));
    expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
    expect(metrics.connectionsOpened['cosyvoice:cold']).toBeUndefined();
  });

  it('renews idle sockets before the server idle timeout closes them', async () => {
    await start({ minIdle: 1, idleRenewMs: 120 }, { idleTimeoutMs: 250 });
    await until(() => idle() === 1, 1000, 'a warm socket');
    await sleep(800);
    expect(fake.stats.idleClosedByServer).toBe(0);
    expect(metrics.connectionsOpened['cosyvoice:renew']).toBeGreaterThanOrEqual(4);
    expect(idle()).toBe(1);
    expect((await captureSynthesis(engine, { id: 'a', text: '你好。' })).error).toBeUndefined();
    expect(metrics.connectionsOpened['cosyvoice:cold']).toBeUndefined();
  });

  it('replaces dead idle sockets in the background', async () => {
    await start({ minIdle: 2 });
    await until(() => idle() === 2, 1000, 'two warm sockets');
    expect(fake.dropIdleConnections()).toBe(2);
    await until(() => idle() === 2 && fake.stats.connectionsAccepted === 4, 1000, 'replacements');
    expect(metrics.connectionsOpened['cosyvoice:replace']).toBe(2);
    const result = await captureSynthesis(engine, { id: 'a', text: '你好。' });
    expect(result.error).toBeUndefined();
    expect(runTaskConnections()[0]).toBeGreaterThan(2);
  });

  it('an unreachable endpoint opens its circuit from background connects, before any request', async () => {
    fake = await startFakeDashScope();
    metrics = createInMemoryEngineMetrics();
    await fake.close();
    engine = await createCosyVoiceEngine(testEngineOptions(fake, { metrics, breaker: { failureThreshold: 2 } }));
    await until(() => !engine.healthy(), 2000, 'the circuit to open');
    expect(engine.healthReason()).toMatch(/circuit is open/);
  });

  it('never hands out a half-open socket: one that misses a pong is replaced', async () => {
    await start({ minIdle: 1, pingIntervalMs: 40, pongTimeoutMs: 40 });
    await until(() => idle() === 1 && fake.stats.pingsAnswered > 0, 1000, 'a live warm socket');
    expect(fake.blackholeIdleConnections()).toBe(1);
    await until(() => fake.stats.connectionsAccepted === 2 && idle() === 1, 1000, 'a replacement');
    const result = await captureSynthesis(engine, { id: 'a', text: '你好。' });
    expect(result.error).toBeUndefined();
    expect(runTaskConnections()).toEqual([2]);
    expect(metrics.retries).toEqual({});
  });
});
