/**
 * CosyVoice cloud engine bench against the fake DashScope server at 100 ms emulated RTT and
 * a 150 ms model first packet: first packet on a cold connection, on a warm pooled one, and
 * on a pre-started task (the default: run-task already done), with ratios against cold
 * measured in the same run; and a burst of 5x the account quota with our limiter (and the
 * default pre-started task) vs a naive client (the baseline, measured in the same run).
 */
import { createCosyVoiceEngine } from '../../plugin/tts-cosyvoice/index.ts';
import type { CosyVoiceEngineOptions } from '../../plugin/tts-cosyvoice/options.ts';
import { unlimitedUpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import { captureSynthesis } from '../fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, startFakeDashScope } from '../fakes/dashscope/fake-dashscope-server.ts';
import { everyPhaseWithin, until } from '../fakes/dashscope/test-engine-options.ts';
import { percentile } from './stats.ts';

const RTT_MS = 100;
const MODEL_FIRST_PACKET_MS = 150;
const SAMPLES = 7;
const QUOTA = { tasksPerS: 3, maxConcurrency: 3 };
const BURST = 5 * QUOTA.tasksPerS;
const TEXT = '你好，欢迎来到直播间。';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function engineFor(fake: FakeDashScope, overrides: Partial<CosyVoiceEngineOptions>) {
  return createCosyVoiceEngine({
    apiKey: fake.apiKey,
    urls: [fake.url],
    deadlines: everyPhaseWithin(3000),
    ...QUOTA,
    ...overrides,
  });
}

type Path = 'cold' | 'warm' | 'pre-started';

const POOL: Record<Path, CosyVoiceEngineOptions['pool']> = {
  /** No warm socket: every readout connects (DNS+TCP+TLS+upgrade), then run-task. */
  cold: { minIdle: 0, maxIdle: 0 },
  /** A warm socket, no pre-started task: run-task → task-started, then the text. */
  warm: { minIdle: 1, preStartedTasks: 0 },
  /** The defaults: two warm sockets, one holding a pre-started task: the text goes at once. */
  'pre-started': {},
};

async function firstPacketMs(path: Path): Promise<number> {
  const fake = await startFakeDashScope({ rttMs: RTT_MS, modelFirstPacketMs: MODEL_FIRST_PACKET_MS, tasksPerS: 100, maxConcurrency: 100 });
  const engine = await engineFor(fake, { tasksPerS: 100, maxConcurrency: 100, pool: POOL[path] });
  const readyFor: Record<Path, () => boolean> = {
    cold: () => true,
    warm: () => engine.poolStats()[0]!.idle >= 1,
    'pre-started': () => engine.poolStats()[0]!.preStarted >= 1,
  };
  try {
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      await until(readyFor[path], 5000, `the ${path} path`);
      const result = await captureSynthesis(engine, { id: `fp${i}`, text: TEXT });
      if (result.error || result.firstAudioMs === undefined) throw result.error ?? new Error('no audio');
      samples.push(result.firstAudioMs);
    }
    return percentile(samples, 50);
  } finally {
    await engine.close();
    await fake.close();
  }
}

async function burst(naive: boolean): Promise<{ throttleErrors: number; lost: number; drainMs: number }> {
  const fake = await startFakeDashScope({ rttMs: RTT_MS, modelFirstPacketMs: MODEL_FIRST_PACKET_MS, ...QUOTA });
  const engine = await engineFor(
    fake,
    naive ? { limiter: unlimitedUpstreamLimiter, retry: { maxAttempts: 1 }, pool: { minIdle: 2, preStartedTasks: 0 } } : { pool: { minIdle: 2 } },
  );
  try {
    await until(() => engine.poolStats()[0]!.idle >= 2 && (naive || engine.poolStats()[0]!.preStarted >= 1), 5000, 'warm sockets');
    const startedMs = performance.now();
    const results = await Promise.all(Array.from({ length: BURST }, (_, i) => captureSynthesis(engine, { id: `b${i}`, text: `第${i}条弹幕。` })));
    const drainMs = performance.now() - startedMs;
    const throttleErrors = Object.entries(fake.stats.tasksFailed)
      .filter(([code]) => code.startsWith('Throttling'))
      .reduce((sum, [, count]) => sum + count, 0);
    return { throttleErrors, lost: results.filter((r) => r.error || r.pcm.byteLength === 0).length, drainMs };
  } finally {
    await engine.close();
    await fake.close();
  }
}

export async function benchCosyvoice(): Promise<Record<string, number>> {
  const coldMs = await firstPacketMs('cold');
  const warmMs = await firstPacketMs('warm');
  const preStartedMs = await firstPacketMs('pre-started');
  const baseline = await burst(true);
  const limited = await burst(false);
  const idealDrainMs = ((BURST - 1) / (QUOTA.tasksPerS * 0.8)) * 1000;
  return {
    cosyvoice_rtt_ms: RTT_MS,
    cosyvoice_model_first_packet_ms: MODEL_FIRST_PACKET_MS,
    cosyvoice_first_packet_cold_ms: round(coldMs),
    cosyvoice_first_packet_warm_ms: round(warmMs),
    cosyvoice_warm_saved_ms: round(coldMs - warmMs),
    cosyvoice_warm_saved_rtts: round((coldMs - warmMs) / RTT_MS, 2),
    cosyvoice_warm_vs_cold_ratio: round(warmMs / coldMs, 3),
    cosyvoice_first_packet_prestarted_ms: round(preStartedMs),
    cosyvoice_prestarted_vs_cold_ratio: round(preStartedMs / coldMs, 3),
    cosyvoice_prestarted_vs_warm_ratio: round(preStartedMs / warmMs, 3),
    cosyvoice_prestarted_saved_vs_warm_ms: round(warmMs - preStartedMs),
    cosyvoice_prestarted_saved_vs_warm_rtts: round((warmMs - preStartedMs) / RTT_MS, 2),
    cosyvoice_prestarted_over_rtt_plus_model_ms: round(preStartedMs - RTT_MS - MODEL_FIRST_PACKET_MS),
    cosyvoice_burst_requests: BURST,
    cosyvoice_burst_throttle_errors: limited.throttleErrors,
    cosyvoice_burst_lost: limited.lost,
    cosyvoice_burst_drain_ms: round(limited.drainMs),
    cosyvoice_burst_drain_vs_ideal_ratio: round(limited.drainMs / idealDrainMs, 3),
    cosyvoice_burst_baseline_throttle_errors: baseline.throttleErrors,
    cosyvoice_burst_baseline_lost: baseline.lost,
    cosyvoice_burst_baseline_drain_ms: round(baseline.drainMs),
  };
}
