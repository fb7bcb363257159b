/**
 * Glass-to-glass latency in Chromium. Two families of figures, all in the same run:
 *
 * The floor (`glass_page_*`): caption POSTed from inside the page (fetch) → first sample
 * louder than −60 dBFS reaching the page's audio output, read by the same in-page tap on
 * every page (`glass-tap.ts`, an AudioWorklet before the destination). Scenarios interleaved
 * sample by sample (embedded, bare, instant, …) so the machine's noise hits all of them:
 * - bare: a bare express + socket.io forwarder emitting the same pre-rendered PCM (leading
 *   silence cut) to a page that starts it at `currentTime` (`bare-forwarder.ts`): the floor;
 * - instant: the relay with an engine that replays pre-rendered audio instantly (relay +
 *   socket + overlay cost only);
 * - embedded: the relay with the default offline engine.
 * Each readout is skipped once heard (the bare page stops), so samples are independent.
 *
 * The relay's own figures (`firstAudioMs`, take → the overlay's playback:start ack):
 * - fake150: pre-rendered audio whose first chunk comes exactly 150 ms after the request: the
 *   relay's overhead is its latency − 150 ms (target p95 ≤ 200 ms);
 * - cosyvoice: the cloud engine against the fake DashScope at 100 ms emulated RTT and a
 *   150 ms model first packet (target p95 ≤ 350 ms), then with 20 ms jitter between chunks
 *   (target: 0 underruns at the default jitter buffer).
 */
import type { Config } from '../../server/src/config.ts';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import type { Browser, Page } from 'playwright-core';
import { createEmbeddedEngine } from '../../plugin/tts-embedded/index.ts';
import { launchChromium, openPage } from '../e2e/browser.ts';
import { startFakeDashScope } from '../fakes/dashscope/fake-dashscope-server.ts';
import { createPrerenderedEngine } from '../fakes/prerendered-engine.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { startBareForwarder } from './bare-forwarder.ts';
import { glassTapScript } from './glass-tap.ts';
import { percentile } from './stats.ts';

const TEXTS = ['你好，欢迎来到直播间！', 'Thanks for the follow!', '感谢老板的礼物，Thank you so much.', 'Welcome in, grab a seat.'];
const RTT_MS = 100;
const MODEL_FIRST_PACKET_MS = 150;
/** −60 dBFS: what the tap counts as the first audible sample (the relay's silence threshold). */
const AUDIBLE_SAMPLE = 32;
const WARMUP_ROUNDS = 3;
const SAMPLE_TIMEOUT_MS = 10_000;

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

/** A page measured by the tap: one sample = POST from the page → first audible sample (ms). */
interface Probe {
  name: string;
  page: Page;
  /** The page's fetch of one caption: method, path and headers. */
  post: { path: string; headers: Record<string, string> };
  /** Silence the page again before the next sample. */
  reset(id: string | undefined): Promise<void>;
}

async function tappedPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.addInitScript({ content: glassTapScript(AUDIBLE_SAMPLE / 32768) });
  await page.goto(url);
  return page;
}

/** One sample: arm the tap, POST from the page, wait for the first audible sample. */
async function sample(probe: Probe, text: string): Promise<{ ms: number; id?: string }> {
  return probe.page.evaluate(
    async ({ post, text, timeoutMs }) => {
      const { audible } = await window.__glassTap!.arm();
      const sentAtMs = performance.now();
      const res = await fetch(post.path, { method: 'POST', headers: { 'content-type': 'application/json', ...post.headers }, body: JSON.stringify({ text }) });
      const { id } = (await res.json()) as { id?: string };
      const heardAtMs = await Promise.race([audible, new Promise<number>((r) => setTimeout(() => r(Number.NaN), timeoutMs))]);
      return { ms: heardAtMs - sentAtMs, id };
    },
    { post: probe.post, text, timeoutMs: SAMPLE_TIMEOUT_MS },
  );
}

async function relayProbe(browser: Browser, name: string, relay: Harness): Promise<Probe> {
  const page = await tappedPage(browser, relay.gateway.overlayUrl);
  await page.waitForFunction(() => window.__overlayStats?.connected === true);
  const auth = { authorization: `Bearer ${relay.secrets.token}` };
  return {
    name,
    page,
    post: { path: '/api/captions', headers: auth },
    async reset(id) {
      if (id) await fetch(`${relay.url}/api/queue/${id}`, { method: 'DELETE', headers: auth });
      for (let waitedMs = 0; waitedMs < SAMPLE_TIMEOUT_MS; waitedMs += 10) {
        const { items } = (await (await relay.get('/api/queue')).json()) as QueueItems;
        const done = items.every((it) => FINAL.includes(it.state));
        if (done && (await page.evaluate(() => window.__overlayStats?.liveSources === 0))) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`${name}: readout ${id} did not finish`);
    },
  };
}

const FINAL = ['played', 'skipped', 'dropped'];

/** Each text's PCM as the embedded engine renders it, leading silence (≤ −60 dBFS) cut. */
async function renderedSpeech(): Promise<{ chunks: Map<string, Uint8Array[]>; sampleRateHz: number }> {
  const engine = await createEmbeddedEngine({});
  const chunks = new Map<string, Uint8Array[]>();
  try {
    for (const text of TEXTS) {
      const pcm: Uint8Array[] = [];
      await new Promise<void>((resolve, reject) =>
        engine.synthesize({ id: 'bare', text }).subscribe({ next: (o) => o.kind === 'audio' && pcm.push(Buffer.from(o.pcm)), error: reject, complete: resolve }),
      );
      const all = Buffer.concat(pcm);
      let first = 0;
      while (first * 2 < all.length && Math.abs(all.readInt16LE(first * 2)) <= AUDIBLE_SAMPLE) first++;
      const chunkBytes = pcm[0]!.byteLength;
      const speech = all.subarray(first * 2);
      chunks.set(text, Array.from({ length: Math.ceil(speech.length / chunkBytes) }, (_, i) => speech.subarray(i * chunkBytes, (i + 1) * chunkBytes)));
    }
    return { chunks, sampleRateHz: engine.sampleRateHz };
  } finally {
    await engine.close();
  }
}

/** The floor: relay (embedded, instant) and the bare forwarder, sample by sample. */
export async function benchGlassFloor(rounds = 30): Promise<Record<string, number>> {
  const speech = await renderedSpeech();
  const bare = await startBareForwarder(speech.chunks, speech.sampleRateHz);
  const embedded = await startHarness({ RELAY_DEDUPE_WINDOW_MS: '0' });
  const instant = await startHarness({ RELAY_DEDUPE_WINDOW_MS: '0' }, await createPrerenderedEngine({ texts: TEXTS, firstChunkMs: 0, name: 'instant' }));
  const browser = await launchChromium();
  try {
    const barePage = await tappedPage(browser, bare.url);
    await barePage.waitForFunction(() => (window as unknown as { __bare?: { connected: boolean } }).__bare?.connected === true);
    const probes: Probe[] = [
      await relayProbe(browser, 'embedded', embedded),
      {
        name: 'bare',
        page: barePage,
        post: { path: '/say', headers: {} },
        reset: () => barePage.evaluate(() => (window as unknown as { __bare: { stop(): void } }).__bare.stop()),
      },
      await relayProbe(browser, 'instant', instant),
    ];
    const samples = new Map<string, number[]>(probes.map((p) => [p.name, []]));
    for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
      for (let k = 0; k < probes.length; k++) {
        const probe = probes[(round + k) % probes.length]!;
        const { ms, id } = await sample(probe, TEXTS[round % TEXTS.length]!);
        await probe.reset(id);
        if (round >= WARMUP_ROUNDS) samples.get(probe.name)!.push(ms);
      }
    }
    const tap = await probes[0]!.page.evaluate(() => window.__glassTap!.latencies());
    const p = (name: string, q: number) => percentile(samples.get(name)!, q);
    return {
      glass_page_bare_p50_ms: p('bare', 50),
      glass_page_bare_p95_ms: p('bare', 95),
      glass_page_instant_p50_ms: p('instant', 50),
      glass_page_instant_p95_ms: p('instant', 95),
      glass_page_embedded_p50_ms: p('embedded', 50),
      glass_page_embedded_p95_ms: p('embedded', 95),
      glass_page_instant_vs_bare_p50_ratio: p('instant', 50) / p('bare', 50),
      glass_page_instant_vs_bare_p95_ratio: p('instant', 95) / p('bare', 95),
      glass_page_embedded_vs_bare_p50_ratio: p('embedded', 50) / p('bare', 50),
      glass_page_embedded_vs_bare_p95_ratio: p('embedded', 95) / p('bare', 95),
      glass_page_missed_samples: [...samples.values()].flat().filter((ms) => !Number.isFinite(ms)).length,
      glass_page_base_latency_ms: tap.baseLatencySec * 1000,
      glass_page_output_latency_ms: tap.outputLatencySec * 1000,
      glass_page_render_quantum_frames: tap.quantumFrames,
      glass_page_context_rate_hz: tap.sampleRateHz,
    };
  } finally {
    await browser.close();
    await instant.stop();
    await embedded.stop();
    await bare.close();
  }
}

export async function benchGlass(rounds = 30): Promise<Record<string, number>> {
  const floor = await benchGlassFloor(rounds);
  const fake150 = await measure(rounds, {}, await createPrerenderedEngine({ texts: TEXTS, firstChunkMs: MODEL_FIRST_PACKET_MS, name: 'fake150' }));
  const cloud = await measureCosyVoice(rounds, 0);
  const jittery = await measureCosyVoice(rounds, 20);
  return {
    ...floor,
    glass_fake150_p50_ms: percentile(fake150.latenciesMs, 50),
    glass_fake150_p95_ms: percentile(fake150.latenciesMs, 95),
    glass_relay_overhead_p50_ms: percentile(fake150.latenciesMs, 50) - MODEL_FIRST_PACKET_MS,
    glass_relay_overhead_p95_ms: percentile(fake150.latenciesMs, 95) - MODEL_FIRST_PACKET_MS,
    glass_cosyvoice_rtt100_model150_p50_ms: percentile(cloud.latenciesMs, 50),
    glass_cosyvoice_rtt100_model150_p95_ms: percentile(cloud.latenciesMs, 95),
    glass_cosyvoice_over_model_p95_ms: percentile(cloud.latenciesMs, 95) - MODEL_FIRST_PACKET_MS,
    glass_cosyvoice_jitter20_underruns: jittery.underruns,
    glass_cosyvoice_jitter20_p95_ms: percentile(jittery.latenciesMs, 95),
    glass_samples_per_scenario: rounds,
  };
}
