/**
 * CosyVoice engine options for tests against the fake: every time constant scaled down.
 * Pre-started tasks are off unless a test turns them on (`pool.preStartedTasks`): they add
 * run-tasks of their own and would take the faults the fake injects into "the next task".
 */
import type { CosyVoiceDeadlines, CosyVoiceEngineOptions } from '../../../plugin/tts-cosyvoice/options.ts';
import type { FakeDashScope } from './fake-dashscope-server.ts';

/** A quota far above what a test sends: for the engine, and for the fake where its quota is not under test. */
export const QUOTA_NOT_UNDER_TEST = { tasksPerS: 1000, maxConcurrency: 100 } as const;

/**
 * The same deadline in every phase, for tests and benches about paths rather than deadlines:
 * a roomy one keeps a busy, shared machine from turning a slow packet into a retry.
 */
export function everyPhaseWithin(ms: number): CosyVoiceDeadlines {
  return { connectMs: ms, taskStartedMs: ms, firstAudioMs: ms, stallMs: ms };
}

export function testEngineOptions(fakes: FakeDashScope | FakeDashScope[], overrides: Partial<CosyVoiceEngineOptions> = {}): CosyVoiceEngineOptions {
  const list = Array.isArray(fakes) ? fakes : [fakes];
  return {
    apiKey: list[0]!.apiKey,
    urls: list.map((f) => f.url),
    sampleRateHz: 16_000,
    ...QUOTA_NOT_UNDER_TEST,
    random: () => 0.5,
    ...overrides,
    pool: { minIdle: 1, idleRenewMs: 10_000, pingIntervalMs: 1000, pongTimeoutMs: 200, preStartedTasks: 0, ...overrides.pool },
    deadlines: { connectMs: 300, taskStartedMs: 200, firstAudioMs: 200, stallMs: 300, ...overrides.deadlines },
    retry: { baseDelayMs: 20, maxDelayMs: 80, jitterRatio: 0, ...overrides.retry },
    breaker: { failureThreshold: 5, openMs: 1000, ...overrides.breaker },
  };
}

/** Wait until `condition` holds (polling), or fail after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
