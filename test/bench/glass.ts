/**
 * Glass-to-glass latency in Chromium: caption POSTed → first sample playing in the
 * overlay (the relay's firstAudioMs, from the overlay's playback:start ack), plus the
 * overlay's underrun count. Scenarios, all in the same run:
 * - baseline: an engine that replays pre-rendered audio instantly (relay + socket +
 *   browser cost only);
 * - fake150: the same audio with its first chunk exactly 150 ms after the request: the
 *   relay's own overhead is its latency − 150 ms (target p95 ≤ 200 ms);
 * - embedded: the default offline engine;
 * - cosyvoice: the cloud engine against the fake DashScope at 100 ms emulated RTT and a
 *   150 ms model first packet (target p95 ≤ 350 ms), then with 20 ms jitter between
 *   chunks (target: 0 underruns at the default jitter buffer).
 */
import type { Config } from '../../server/src/config.ts';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { launchChromium, openPage } from '../e2e/browser.ts';
import { startFakeDashScope } from '../fakes/dashscope/fake-dashscope-server.ts';
import { createPrerenderedEngine } from '../fakes/prerendered-engine.ts';
import { startHarness } from '../support/relay-harness.ts';
import { percentile } from './stats.ts';

const TEXTS = ['你好，欢迎来到直播间！', 'Thanks for the follow!', '感谢老板的礼物，Thank you so much.', 'Welcome in, grab a seat.'];
const RTT_MS = 100;
const MODEL_FIRST_PACKET_MS = 150;

interface Run {
  latenciesMs: number[];
  underruns: number;
}

type QueueItems = { items: { id: string; state: string; firstAudioMs?: number }[] };

async function measure(rounds: number, settings: Partial<Record<keyof Config, string>>, engine?: TtsEngine): Promise<Run> {
  const relay = await startHarness({ RELAY_DEDUPE_WINDOW_MS: '0', ...settings }, engine);
  const browser = await launchChromium();
  try {
    const { page } = await openPage(browser, relay.gateway.overlayUrl);
    await page.waitForFunction(() => window.__overlayStats?.connected === true);
    const latenciesMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const res = await relay.post('/api/captions', { text: TEXTS[i % TEXTS.length] });
      const { id } = (await res.json()) as { id: string };
      for (let waitedMs = 0; waitedMs < 20_000; waitedMs += 20) {
        const { items } = (await (await relay.get('/api/queue')).json()) as QueueItems;
        const item = items.find((it) => it.id === id);
        if (item?.state === 'played' && item.firstAudioMs !== undefined) {
          latenciesMs.push(item.firstAudioMs);
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const underruns = await page.evaluate(() => window.__overlayStats?.underruns ?? -1);
    return { latenciesMs, underruns };
  } finally {
    await browser.close();
    await relay.stop();
  }
}

async function measureCosyVoice(rounds: number, jitterMs: number): Promise<Run> {
  const fake = await startFakeDashScope({ rttMs: RTT_MS, modelFirstPacketMs: MODEL_FIRST_PACKET_MS, jitterMs, tasksPerS: 100, maxConcurrency: 100 });
  try {
    return await measure(rounds, {
      TTS_ENGINE: 'cosyvoice',
      COSYVOICE_API_KEY: fake.apiKey,
      COSYVOICE_URL: fake.url,
      COSYVOICE_SAMPLE_RATE_HZ: '22050',
      COSYVOICE_TASKS_PER_S: '100',
      COSYVOICE_MAX_CONCURRENCY: '100',
    });
  } finally {
    await fake.close();
  }
}

export async function benchGlass(rounds = 30): Promise<Record<string, number>> {
  const baseline = await measure(rounds, {}, await createPrerenderedEngine({ texts: TEXTS, firstChunkMs: 0, name: 'instant' }));
  const fake150 = await measure(rounds, {}, await createPrerenderedEngine({ texts: TEXTS, firstChunkMs: MODEL_FIRST_PACKET_MS, name: 'fake150' }));
  const embedded = await measure(rounds, {});
  const cloud = await measureCosyVoice(rounds, 0);
  const jittery = await measureCosyVoice(rounds, 20);
  const b50 = percentile(baseline.latenciesMs, 50);
  return {
    glass_baseline_instant_p50_ms: b50,
    glass_baseline_instant_p95_ms: percentile(baseline.latenciesMs, 95),
    glass_fake150_p50_ms: percentile(fake150.latenciesMs, 50),
    glass_fake150_p95_ms: percentile(fake150.latenciesMs, 95),
    glass_relay_overhead_p50_ms: percentile(fake150.latenciesMs, 50) - MODEL_FIRST_PACKET_MS,
    glass_relay_overhead_p95_ms: percentile(fake150.latenciesMs, 95) - MODEL_FIRST_PACKET_MS,
    glass_embedded_p50_ms: percentile(embedded.latenciesMs, 50),
    glass_embedded_p95_ms: percentile(embedded.latenciesMs, 95),
    glass_embedded_vs_baseline_p50_ratio: percentile(embedded.latenciesMs, 50) / b50,
    glass_cosyvoice_rtt100_model150_p50_ms: percentile(cloud.latenciesMs, 50),
    glass_cosyvoice_rtt100_model150_p95_ms: percentile(cloud.latenciesMs, 95),
    glass_cosyvoice_over_model_p95_ms: percentile(cloud.latenciesMs, 95) - MODEL_FIRST_PACKET_MS,
    glass_cosyvoice_vs_baseline_p50_ratio: percentile(cloud.latenciesMs, 50) / b50,
    glass_cosyvoice_jitter20_underruns: jittery.underruns,
    glass_cosyvoice_jitter20_p95_ms: percentile(jittery.latenciesMs, 95),
    glass_samples_per_scenario: rounds,
  };
}
