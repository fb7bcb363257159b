/**
 * Pre-started tasks: a readout in the default voice skips the run-task round trip; they are
 * renewed before the server's idle timeout, stay within the quota, yield their slot to
 * readouts that cannot use them, and fall back to the normal path at once when unusable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEngineMetrics, type InMemoryEngineMetrics } from '../../server/src/core/engine-kit/in-memory-engine-metrics.ts';
import { createLocalUpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import { captureSynthesis, drainExactBurst, pcmDifference } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, type FakeDashScopeOptions, type FakeEvent, startFakeDashScope } from '../../test/fakes/dashscope/fake-dashscope-server.ts';
import { referenceSynthesis } from '../../test/fakes/dashscope/reference-synthesis.ts';
import { everyPhaseWithin, QUOTA_NOT_UNDER_TEST, testEngineOptions, until } from '../../test/fakes/dashscope/test-engine-options.ts';
import { type CosyVoiceEngine, type CosyVoiceEngineOptions, createCosyVoiceEngine } from './index.ts';

const TEXT = '第一句话。第二句来了！Third one, here. 最后。';
const reference = referenceSynthesis(TEXT, { sampleRateHz: 16_000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cosyvoice pre-started tasks', () => {
  let fake: FakeDashScope;
  const engines: CosyVoiceEngine[] = [];
  let metrics: InMemoryEngineMetrics;
  const startFake = async (options: FakeDashScopeOptions = {}) => {
    fake = await startFakeDashScope({ ...QUOTA_NOT_UNDER_TEST, ...options });
  };
  const engineOn = async (overrides: Partial<CosyVoiceEngineOptions> = {}) => {
    metrics = createInMemoryEngineMetrics();
    const engine = await createCosyVoiceEngine(
      testEngineOptions(fake, {
        metrics,
        ...overrides,
        pool: { minIdle: 2, preStartedTasks: 1, ...overrides.pool },
        // Generous unless a test is about one: these tests are about paths, not deadlines (shared, loaded CPUs).
        deadlines: { ...everyPhaseWithin(1000), ...overrides.deadlines },
      }),
    );
    engines.push(engine);
    return engine;
  };
  const stats = (engine: CosyVoiceEngine) => engine.poolStats()[0]!;
  const ready = (engine: CosyVoiceEngine, timeoutMs = 2000) => until(() => stats(engine).preStarted === 1, timeoutMs, 'a pre-started task');
  const now = () => Date.now() - fake.startedAtMs;
  const events = (type: string, taskId?: string) => fake.stats.events.filter((e) => e.type === type && (!taskId || e.taskId === taskId));
  /** The task that carried a readout's text (the one continue-task went to after `sinceMs`). */
  const readoutTask = (sinceMs: number): FakeEvent => fake.stats.events.find((e) => e.type === 'continue-task' && e.atMs >= sinceMs)!;
  const expectReferenceAudio = (result: Awaited<ReturnType<typeof captureSynthesis>>) => {
    expect(result.error).toBeUndefined();
    expect(pcmDifference(result.pcm, reference.pcm)).toBeUndefined();
    expect(result.words).toEqual(reference.words);
  };
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    await fake?.close();
  });

  describe('hot path', () => {
    it('a default-voice readout sends its text at once: no run-task on its hot path, first audio one round trip earlier', async () => {
      const rttMs = 160;
      const modelMs = 50;
      await startFake({ rttMs, modelFirstPacketMs: modelMs });

      // The warm-connection path (no pre-started task), measured in the same run.
      const warm = await engineOn({ pool: { preStartedTasks: 0, minIdle: 1 } });
      await until(() => stats(warm).idle === 1, 2000, 'a warm socket');
      const warmResult = await captureSynthesis(warm, { id: 'warm', text: TEXT });
      expectReferenceAudio(warmResult);
      await warm.close();

      const engine = await engineOn();
      await ready(engine);
      expect(stats(engine)).toMatchObject({ idle: 2, preStarted: 1, preStarting: 0 });
      const runTasksBefore = fake.stats.runTasks;
      const submittedAtMs = now();
      const result = await captureSynthesis(engine, { id: 'hot', text: TEXT });
      expectReferenceAudio(result);

      // The readout's task was run before the readout existed; its first message is its text.
      const { taskId, connection, atMs: firstTextAtMs } = readoutTask(submittedAtMs);
      expect(events('run-task', taskId)[0]!.atMs).toBeLessThan(submittedAtMs);
      expect(events('task-started', taskId)[0]!.atMs).toBeLessThan(submittedAtMs);
      const hotPath = fake.stats.events.filter((e) => e.connection === connection && e.atMs >= submittedAtMs && e.atMs <= firstTextAtMs);
      expect(hotPath.map((e) => e.type)).toEqual(['continue-task']);
      // Half a round trip (a run-task first would make it one and a half).
      expect(firstTextAtMs - submittedAtMs).toBeLessThan(rttMs);
      expect(events('finish-task', taskId)).toHaveLength(1);
      // The pool pre-starts the next one in the background (one more run-task, not on this readout's path).
      await ready(engine);
      expect(fake.stats.runTasks).toBe(runTasksBefore + 1);
      expect(events('run-task').at(-1)!.taskId).not.toBe(taskId);

      // First audio after one round trip plus the model, about one round trip before the warm path
      // (the structural proof is the hot path above; these bounds leave room for a busy machine).
      expect(result.firstAudioMs!).toBeGreaterThanOrEqual(rttMs + modelMs - 5);
      expect(warmResult.firstAudioMs!).toBeGreaterThanOrEqual(2 * rttMs + modelMs - 5);
      expect(warmResult.firstAudioMs! - result.firstAudioMs!).toBeGreaterThanOrEqual(0.5 * rttMs);
      // Its task-started phase took no round trip (a run-task would make it at least rttMs).
      expect(metrics.firstPacketMs['cosyvoice:task-started']).toHaveLength(1);
      expect(metrics.firstPacketMs['cosyvoice:task-started']![0]).toBeLessThan(rttMs / 2);
      expect(metrics.retries).toEqual({});
    });

    it('a readout in another voice takes the normal path on a plain warm socket and leaves the pre-started task alone', async () => {
      await startFake();
      const engine = await engineOn();
      await ready(engine);
      const preStartedId = events('run-task').at(-1)!.taskId!;
      const submittedAtMs = now();
      const result = await captureSynthesis(engine, { id: 'other', text: '你好。', voice: 'longwan_v2' });
      expect(result.error).toBeUndefined();
      const { taskId } = readoutTask(submittedAtMs);
      expect(taskId).not.toBe(preStartedId);
      expect(events('run-task', taskId)[0]!.atMs).toBeGreaterThanOrEqual(submittedAtMs);
      expect(fake.runTaskLog.find((r) => r.taskId === taskId)!.voice).toBe('longwan_v2');
      expect(fake.textLog.has(preStartedId)).toBe(false);
      expect(stats(engine).preStarted).toBe(1);
      expect(metrics.connectionsOpened['cosyvoice:cold']).toBeUndefined();
    });

    it('back-to-back readouts: the next one takes the successor, still starting if need be', async () => {
      await startFake({ rttMs: 20 });
      const engine = await engineOn();
      await ready(engine);
      const results = [];
      for (const id of ['a', 'b', 'c']) {
        const submittedAtMs = now();
        const result = await captureSynthesis(engine, { id, text: '你好。' });
        expect(result.error).toBeUndefined();
        expect(events('run-task', readoutTask(submittedAtMs).taskId)[0]!.atMs).toBeLessThan(submittedAtMs);
        results.push(result);
      }
      // Every readout's task was pre-started: as many run-tasks as readouts, plus the one kept ready.
      await ready(engine);
      expect(fake.stats.runTasks).toBe(4);
      expect(metrics.retries).toEqual({});
    });
  });

  describe('renewal', () => {
    it('renews an unused task before the server idle timeout: make before break, never a timed-out task', async () => {
      // Scaled down from 23 s / 20 s, with room for a loaded machine: renewal at 400 ms, timeout at 1.5 s.
      await startFake({ idleTimeoutMs: 1500, rttMs: 20 });
      const engine = await engineOn({ pool: { idleRenewMs: 400, serverIdleTimeoutMs: 1500 } });
      await ready(engine);
      // Sampled every 10 ms: break before make would leave none ready for a connect and a run-task (80 ms) per renewal.
      let gaps = 0;
      let samples = 0;
      for (const startedAtMs = now(); now() - startedAtMs < 3000; samples++) {
        if (stats(engine).preStarted === 0) gaps += 1;
        await sleep(10);
      }
      expect(gaps / samples).toBeLessThan(0.1);
      expect(fake.stats.tasksFailed).toEqual({});
      expect(fake.stats.idleClosedByServer).toBe(0);
      // Each unused task was closed by the client (its socket) before the server's 1.5 s.
      const retired = events('client-close-during-task');
      expect(retired.length).toBeGreaterThanOrEqual(4);
      for (const close of retired) {
        const started = events('task-started', close.taskId)[0]!;
        expect(close.atMs - started.atMs).toBeLessThan(1500 - 50);
      }
      expect(metrics.connectionsOpened['cosyvoice:renew']).toBeGreaterThanOrEqual(4);
      // A readout after all that still skips run-task.
      const submittedAtMs = now();
      expect((await captureSynthesis(engine, { id: 'a', text: '你好。' })).error).toBeUndefined();
      expect(events('run-task', readoutTask(submittedAtMs).taskId)[0]!.atMs).toBeLessThan(submittedAtMs);
      expect(metrics.connectionsOpened['cosyvoice:cold']).toBeUndefined();
    });

    it('the fake holds the client to it: an unrenewed task times out and the server drops its socket', async () => {
      await startFake({ idleTimeoutMs: 150 });
      const engine = await engineOn({ pool: { idleRenewMs: 10_000 } });
      await ready(engine);
      await until(() => (fake.stats.tasksFailed.RequestTimeOut ?? 0) >= 1, 1000, 'the server to time the task out');
      expect(events('server-close')).toHaveLength(1);
      // The engine notices, replaces it, and a readout is not hurt.
      await ready(engine);
      expect((await captureSynthesis(engine, { id: 'a', text: '你好。' })).error).toBeUndefined();
      expect(metrics.retries).toEqual({});
    });
  });

  describe('quota', () => {
    // The account quota: 3 task submissions per (scaled) second of 100 ms, 3 concurrent tasks.
    const QUOTA = { tasksPerS: 3, rateWindowMs: 100, maxConcurrency: 3 };
    const SCALED_TASKS_PER_S = (QUOTA.tasksPerS * 1000) / QUOTA.rateWindowMs;
    const throttled = () =>
      Object.entries(fake.stats.tasksFailed).filter(([code]) => code.startsWith('Throttling')).reduce((n, [, count]) => n + count, 0);

    it('holds a burst of 5x the quota with a pre-started task: zero throttling upstream, nothing lost, in order', async () => {
      await startFake({ ...QUOTA, frameIntervalMs: 1 });
      const engine = await engineOn({ tasksPerS: SCALED_TASKS_PER_S, maxConcurrency: QUOTA.maxConcurrency });
      await ready(engine);
      const burstLength = 5 * QUOTA.tasksPerS;
      const submittedAtMs = now();
      const drainMs = await drainExactBurst(engine, burstLength);
      expect(fake.stats.tasksFailed).toEqual({});
      // Idle pre-started tasks count: never more running upstream than the relay's 80% share.
      expect(fake.stats.maxActiveTasks).toBeLessThanOrEqual(Math.floor(QUOTA.maxConcurrency * 0.8));
      // The first readout took the pre-started task; the others waited for the quota.
      expect(events('run-task', readoutTask(submittedAtMs).taskId)[0]!.atMs).toBeLessThan(submittedAtMs);
      expect(drainMs).toBeGreaterThanOrEqual(((burstLength - 2) / (SCALED_TASKS_PER_S * 0.8)) * 1000 - 20);
      await ready(engine);
      expect(throttled()).toBe(0);
    });

    it('nothing is pre-started while readouts wait for the quota: the idle task yields, and comes back after', async () => {
      await startFake({ ...QUOTA, frameIntervalMs: 1 });
      const engine = await engineOn({ tasksPerS: SCALED_TASKS_PER_S, maxConcurrency: QUOTA.maxConcurrency });
      await ready(engine);
      const preStartedId = events('run-task').at(-1)!.taskId!;
      const burst = Array.from({ length: 8 }, (_, i) => ({ id: `o${i}`, text: `第${i}条。`, voice: 'longwan_v2' }));
      const submittedAtMs = now();
      // Readouts keep arriving while earlier ones wait: a pre-start must not queue between them.
      const pending = [];
      for (const request of burst) {
        pending.push(captureSynthesis(engine, request));
        await sleep(10);
      }
      const results = await Promise.all(pending);
      expect(results.map((r) => r.error)).toEqual(burst.map(() => undefined));
      const readoutIds = new Set(fake.runTaskLog.filter((r) => r.voice === 'longwan_v2').map((r) => r.taskId));
      const readoutRuns = events('run-task').filter((e) => readoutIds.has(e.taskId!));
      const lastReadoutRunAtMs = Math.max(...readoutRuns.map((e) => e.atMs));
      const preStartsWhileWaiting = events('run-task').filter((e) => !readoutIds.has(e.taskId!) && e.atMs >= submittedAtMs && e.atMs < lastReadoutRunAtMs);
      expect(preStartsWhileWaiting).toEqual([]);
      expect(events('client-close-during-task', preStartedId)).toHaveLength(1);
      expect(fake.stats.tasksFailed).toEqual({});
      expect(fake.stats.maxActiveTasks).toBeLessThanOrEqual(Math.floor(QUOTA.maxConcurrency * 0.8));
      await ready(engine);
    });

    it('an idle pre-started task yields its slot to a readout that cannot use it (one concurrent task)', async () => {
      await startFake({ maxConcurrency: 1 });
      const limiter = createLocalUpstreamLimiter({ tasksPerS: 1000, maxConcurrency: 1, utilization: 1 });
      const engine = await engineOn({ limiter });
      await ready(engine);
      expect(limiter.active).toBe(1);
      const startedMs = performance.now();
      const other = await captureSynthesis(engine, { id: 'other', text: '你好。', voice: 'longwan_v2' });
      expect(other.error).toBeUndefined();
      expect(performance.now() - startedMs).toBeLessThan(400);
      expect(fake.stats.maxActiveTasks).toBe(1);
      expect(throttled()).toBe(0);
      // Then it comes back, and a default-voice readout takes it over, slot and all.
      await ready(engine);
      const submittedAtMs = now();
      expect((await captureSynthesis(engine, { id: 'default', text: '你好。' })).error).toBeUndefined();
      expect(events('run-task', readoutTask(submittedAtMs).taskId)[0]!.atMs).toBeLessThan(submittedAtMs);
      expect(fake.stats.maxActiveTasks).toBe(1);
      expect(throttled()).toBe(0);
    });

    it('unsubscribing a readout on a pre-started task closes it upstream at once and frees its slot', async () => {
      await startFake(QUOTA);
      const limiter = createLocalUpstreamLimiter({ tasksPerS: SCALED_TASKS_PER_S, maxConcurrency: QUOTA.maxConcurrency });
      const engine = await engineOn({ limiter });
      await ready(engine);
      const submittedAtMs = now();
      let chunks = 0;
      const subscription = engine.synthesize({ id: 'c', text: '这是一段很长的文字。'.repeat(20) }).subscribe({ next: () => void (chunks += 1) });
      await until(() => chunks > 0, 1000, 'audio');
      const { taskId } = readoutTask(submittedAtMs);
      expect(events('run-task', taskId)[0]!.atMs).toBeLessThan(submittedAtMs);
      const cancelledAtMs = performance.now();
      subscription.unsubscribe();
      await until(() => events('client-close-during-task', taskId).length === 1, 500, 'the upstream to see the close');
      expect(performance.now() - cancelledAtMs).toBeLessThan(250);
      expect(events('task-finished', taskId)).toHaveLength(0);
      // Its slot is free again: only the successor pre-started task holds one.
      await ready(engine);
      await until(() => limiter.active === 1 && fake.stats.activeTasks === 1, 500, 'the slot to be released');
    });
  });

  describe('faults fall back to the normal path at once', () => {
    it('a task that fails while the readout waits for its task-started: no failed attempt, no delay', async () => {
      await startFake();
      fake.injectTaskFault({ kind: 'task-failed', code: 'InternalError', message: 'An internal error has occured', afterMs: 150 });
      const engine = await engineOn();
      await until(() => stats(engine).preStarting === 1, 1000, 'a task starting');
      const result = await captureSynthesis(engine, { id: 'a', text: TEXT });
      expectReferenceAudio(result);
      // Right after the failure (150 ms), long before the task-started deadline (1000 ms).
      expect(result.firstAudioMs!).toBeLessThan(1000 - 200);
      expect(metrics.retries).toEqual({});
      expect(fake.stats.tasksFailed).toEqual({ InternalError: 1 });
    });

    it('a task stalled before task-started: the readout falls back at its deadline', async () => {
      await startFake();
      fake.injectTaskFault({ kind: 'stall-before-task-started', ms: Number.POSITIVE_INFINITY });
      const engine = await engineOn({ deadlines: { taskStartedMs: 300 } });
      await until(() => stats(engine).preStarting === 1, 1000, 'a task starting');
      const result = await captureSynthesis(engine, { id: 'a', text: TEXT });
      expectReferenceAudio(result);
      // At the stalled task's deadline (300 ms from its run-task), then one fresh task: not a retry after a miss.
      expect(result.firstAudioMs!).toBeLessThan(3 * 300);
      expect(metrics.retries).toEqual({});
    });

    it('a task whose socket the server cut while idle: the readout is not hurt', async () => {
      await startFake();
      const engine = await engineOn();
      await ready(engine);
      expect(fake.dropIdleConnections()).toBe(2);
      expectReferenceAudio(await captureSynthesis(engine, { id: 'a', text: TEXT }));
      expect(metrics.retries).toEqual({});
    });

    it('never hands out a task on a half-open socket: one that misses a pong is replaced', async () => {
      await startFake();
      const engine = await engineOn({ pool: { minIdle: 1, pingIntervalMs: 40, pongTimeoutMs: 40 } });
      await until(() => stats(engine).preStarted === 1 && fake.stats.pingsAnswered > 0, 1000, 'a live pre-started task');
      expect(fake.blackholeIdleConnections()).toBe(1);
      await until(() => fake.stats.connectionsAccepted === 2 && stats(engine).preStarted === 1, 1000, 'a replacement');
      const submittedAtMs = now();
      expectReferenceAudio(await captureSynthesis(engine, { id: 'a', text: TEXT }));
      const { taskId, connection } = readoutTask(submittedAtMs);
      expect(connection).toBe(2);
      expect(events('run-task', taskId)[0]!.atMs).toBeLessThan(submittedAtMs);
      expect(metrics.retries).toEqual({});
    });

    it('a drop mid-stream on a pre-started task resumes without repeating audio', async () => {
      await startFake();
      fake.injectTaskFault({ kind: 'drop-after-audio-frames', frames: 4 });
      const engine = await engineOn();
      await ready(engine);
      expectReferenceAudio(await captureSynthesis(engine, { id: 'a', text: TEXT }));
      expect(metrics.retries).toEqual({ 'cosyvoice:upstream_dropped': 1 });
    });

    it('a default voice the model refuses disables the engine before any request, without hammering the server', async () => {
      await startFake();
      const engine = await engineOn({ voice: 'longxiaochun' });
      await until(() => !engine.healthy(), 1000, 'unhealthy');
      expect(engine.healthReason()).toMatch(/COSYVOICE_VOICE/);
      await sleep(300);
      expect(fake.stats.runTasks).toBe(1);
      expect(stats(engine)).toMatchObject({ preStarted: 0, preStarting: 0 });
      expect((await captureSynthesis(engine, { id: 'a', text: TEXT })).error).toMatchObject({ code: 'voice_unsupported' });
    });
  });
});
