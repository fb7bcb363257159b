/**
 * Glass-to-glass latency in Chromium: caption POSTed → first sample playing in the
 * overlay (the relay's firstAudioMs, from the overlay's playback:start ack). Measured for
 * the embedded engine and, as the baseline in the same run, for an engine that replays
 * pre-rendered audio instantly (relay + socket + browser cost only).
 */
import { Observable } from 'rxjs';
import type { TtsEngine } from '../../server/src/core/engine.ts';
import type { SynthesisOutput } from '../../server/src/core/types.ts';
import { launchChromium, openPage } from '../e2e/browser.ts';
import { startHarness } from '../support/relay-harness.ts';
import { createEmbeddedEngine } from '../../plugin/tts-embedded/index.ts';
import { percentile } from './stats.ts';

const TEXTS = ['你好，欢迎来到直播间！', 'Thanks for the follow!', '感谢老板的礼物，Thank you so much.', 'Welcome in, grab a seat.'];

/** Replays, instantly, what the embedded engine produced for the same text. */
async function instantEngine(): Promise<TtsEngine> {
  const embedded = await createEmbeddedEngine({});
  const rendered = new Map<string, SynthesisOutput[]>();
  for (const text of TEXTS) {
    const outputs: SynthesisOutput[] = [];
    await new Promise<void>((resolve, reject) =>
      embedded.synthesize({ id: 'prerender', text }).subscribe({ next: (o) => outputs.push(o), error: reject, complete: resolve }),
    );
    rendered.set(text, outputs);
  }
  await embedded.close();
  return {
    name: 'instant',
    sampleRateHz: embedded.sampleRateHz,
    healthy: () => true,
    close: async () => {},
    synthesize: (req) =>
      new Observable<SynthesisOutput>((sub) => {
        for (const o of rendered.get(req.text) ?? []) sub.next(o);
        sub.complete();
      }),
  };
}

async function measure(engine: TtsEngine | undefined, rounds: number): Promise<number[]> {
  const relay = await startHarness({ RELAY_DEDUPE_WINDOW_MS: '0' }, engine);
  const browser = await launchChromium();
  try {
    const { page } = await openPage(browser, relay.gateway.overlayUrl);
    await page.waitForFunction(() => (window as unknown as { __overlayStats?: { connected: boolean } }).__overlayStats?.connected);
    const latenciesMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const res = await relay.post('/api/captions', { text: TEXTS[i % TEXTS.length] });
      const { id } = (await res.json()) as { id: string };
      for (let waitedMs = 0; waitedMs < 20_000; waitedMs += 20) {
        const { items } = (await (await relay.get('/api/queue')).json()) as { items: { id: string; state: string; firstAudioMs?: number }[] };
        const item = items.find((it) => it.id === id);
        if (item?.state === 'played' && item.firstAudioMs !== undefined) {
          latenciesMs.push(item.firstAudioMs);
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return latenciesMs;
  } finally {
    await browser.close();
    await relay.stop();
  }
}

export async function benchGlass(rounds = 12): Promise<Record<string, number>> {
  const baseline = await measure(await instantEngine(), rounds);
  const embedded = await measure(undefined, rounds);
  const b50 = percentile(baseline, 50);
  const e50 = percentile(embedded, 50);
  return {
    glass_baseline_instant_p50_ms: b50,
    glass_baseline_instant_p95_ms: percentile(baseline, 95),
    glass_embedded_p50_ms: e50,
    glass_embedded_p95_ms: percentile(embedded, 95),
    glass_embedded_vs_baseline_p50_ratio: e50 / b50,
    glass_samples: embedded.length,
  };
}
