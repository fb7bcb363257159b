/**
 * Live subtitles of the streamer's voice: a relay process (as `npm start` runs it) with
 * DashScope ASR against the fake server, fed by a client sending scripted speech frames to
 * `/ingest/audio` in real time, and an overlay in Chromium.
 * - latency: a final result leaving the fake (its send time) → its text visible in the
 *   overlay (the next animation frame after the DOM shows it), p50/p95; target ≤ 50 ms;
 * - CPU: the relay's CPU per minute of audio recognized, against the same relay idle for the
 *   same time, measured in the same run.
 */
import WebSocket from 'ws';
import { launchChromium, openPage } from '../e2e/browser.ts';
import { startFakeAsrServer } from '../fakes/dashscope-asr/fake-asr-server.ts';
import { scriptedSentence, sentenceText, speechFrame } from '../fakes/dashscope-asr/speech-audio.ts';
import { startChildRelay } from '../support/child-relay.ts';
import { cpuMs } from './proc.ts';
import { percentile } from './stats.ts';

const SENTENCES = 12;
/** Each sentence: 6 words of 250 ms, then silence (the recognizer's VAD ends it). */
const SENTENCE_EVERY_MS = 2500;
const FRAME_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends frames 0…count-1 at real time (drift-corrected), then resolves. */
async function feedFrames(ws: WebSocket, count: number): Promise<void> {
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    ws.send(speechFrame(i));
    await sleep(Math.max(0, startedAt + (i + 1) * FRAME_MS - performance.now()));
  }
}

export async function benchAsr(): Promise<Record<string, number>> {
  const script = Array.from({ length: SENTENCES }, (_, i) =>
    scriptedSentence(i * SENTENCE_EVERY_MS + 200, ['字幕', '测试', `第${i + 1}句`, '大家', '好', '呀'], { en: `Subtitle test sentence ${i + 1}` }, 250),
  );
  const fake = await startFakeAsrServer({ script });
  const relay = await startChildRelay({
    env: { ASR_ENGINE: 'dashscope', COSYVOICE_API_KEY: fake.apiKey, ASR_URL: fake.url, ASR_TRANSLATE_TO: 'en', ASR_LANGUAGE_HINTS: 'zh', RELAY_LOG_LEVEL: 'warn' },
  });
  const browser = await launchChromium();
  try {
    const { page } = await openPage(browser, `${relay.url}/overlay?key=${relay.overlayKey}&subtitleLines=3`);
    await page.waitForFunction(() => window.__overlayStats?.connected === true);
    // When each final line became visible (wall clock), by its text.
    await page.evaluate(() => {
      const w = window as unknown as { __finalShownAt: Record<string, number> };
      w.__finalShownAt = {};
      new MutationObserver(() => {
        for (const el of document.querySelectorAll<HTMLElement>('#live-line .sub[data-final="true"] .original')) {
          const text = el.textContent ?? '';
          if (!(text in w.__finalShownAt)) {
            w.__finalShownAt[text] = -1;
            requestAnimationFrame(() => (w.__finalShownAt[text] = Date.now()));
          }
        }
      }).observe(document.getElementById('live-line')!, { childList: true, subtree: true, characterData: true, attributes: true });
    });

    const idleFromMs = cpuMs(relay.pid);
    const audioMs = SENTENCES * SENTENCE_EVERY_MS + 1000;
    await sleep(audioMs);
    const idleCpuMs = cpuMs(relay.pid) - idleFromMs;

    const ws = new WebSocket(`${relay.url.replace(/^http/u, 'ws')}/ingest/audio?token=${encodeURIComponent(relay.token)}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const cpuFromMs = cpuMs(relay.pid);
    await feedFrames(ws, audioMs / FRAME_MS);
    await sleep(1000);
    const busyCpuMs = cpuMs(relay.pid) - cpuFromMs;
    ws.close();

    const shownAt = await page.evaluate(() => (window as unknown as { __finalShownAt: Record<string, number> }).__finalShownAt);
    const latenciesMs: number[] = [];
    for (const s of script) {
      const text = sentenceText(s.words);
      const sent = fake.sent.find((e) => {
        const t = (e.payload.output as { transcription?: { text: string; sentence_end: boolean } } | undefined)?.transcription;
        return e.event === 'result-generated' && t?.sentence_end === true && t.text === text;
      });
      const shown = shownAt[text];
      if (sent && shown !== undefined && shown > 0) latenciesMs.push(shown - sent.atMs);
    }
    const minutes = audioMs / 60_000;
    return {
      asr_finals_measured: latenciesMs.length,
      asr_final_to_overlay_p50_ms: percentile(latenciesMs, 50),
      asr_final_to_overlay_p95_ms: percentile(latenciesMs, 95),
      asr_relay_cpu_ms_per_audio_min: Math.round(busyCpuMs / minutes),
      asr_relay_idle_cpu_ms_per_min: Math.round(idleCpuMs / minutes),
      asr_relay_cpu_vs_idle_ratio: busyCpuMs / Math.max(1, idleCpuMs),
      asr_upstream_pacing_flags: fake.stats.pacing.length,
    };
  } finally {
    await browser.close();
    await relay.kill('SIGTERM');
    await fake.close();
  }
}
