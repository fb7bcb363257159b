/**
 * A readout whose engine dies mid-readout, in real Chromium: the relay runs a chain of a fake
 * "cosyvoice-selfhost" (24 kHz, speaks sentence 1 and part of sentence 2, then its stream is
 * cut) and the embedded engine. The embedded engine finishes the readout from sentence 2 on
 * the same audio clock (resampled to 24 kHz); the overlay plays it to the end and highlights
 * its words; the readout ends played and the panel's queue row says it switched.
 */
import { Observable } from 'rxjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import type { AudioChunkEvent, PanelQueueItem } from '../../server/src/core/protocol.ts';
import type { SynthesisOutput, TimedWord } from '../../server/src/core/types.ts';
import { createEmbeddedEngine } from '../../plugin/tts-embedded/index.ts';
import { fakeEngine } from '../support/fake-engine.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { highlightedWords, recordHighlightedWords } from './overlay-words.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot, type ConsoleLog } from './browser.ts';
import { openPanel, postCaption, queueRow } from './panel/panel-kit.ts';

const RATE_HZ = 24_000;
const CHUNK_MS = 100;
const TEXT = 'Hello there friend. Second sentence words here. Third one ends it.';

/** A 440 Hz tone of `ms` at 24 kHz, s16le. */
function tone(ms: number, fromSample: number): Uint8Array {
  const samples = new Int16Array((ms * RATE_HZ) / 1000);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (fromSample + i)) / RATE_HZ));
  return new Uint8Array(samples.buffer);
}

/**
 * Speaks sentence 1 (three words, 300 ms each, each word's cue once its audio is out), then
 * 300 ms of sentence 2 and its stream is cut, at twice real time like a streaming upstream.
 */
const dyingEngine = () =>
  fakeEngine({
    name: 'cosyvoice-selfhost',
    sampleRateHz: RATE_HZ,
    synthesize: () =>
      new Observable<SynthesisOutput>((subscriber) => {
        let chunk = 0;
        const timer = setInterval(() => {
          subscriber.next({ kind: 'audio', pcm: tone(CHUNK_MS, (chunk * CHUNK_MS * RATE_HZ) / 1000), sampleRateHz: RATE_HZ });
          chunk += 1;
          const word = ['Hello', 'there', 'friend'][chunk / 3 - 1];
          if (chunk % 3 === 0 && word) {
            const startMs = (chunk / 3 - 1) * 300;
            subscriber.next({ kind: 'cue', words: [{ text: word, startMs, endMs: startMs + 280 }], timing: 'estimated' });
          }
          if (chunk === 12) subscriber.error(new EngineError('upstream_dropped', 'the stream was cut mid-sentence', true));
        }, CHUNK_MS / 2);
        return () => clearInterval(timer);
      }),
  });

let relay: Harness;
let browser: Browser;
let overlay: Page;
let overlayConsole: ConsoleLog;

beforeAll(async () => {
  relay = await startHarness({}, [dyingEngine(), await createEmbeddedEngine({})]);
  browser = await launchChromium();
  ({ page: overlay, console: overlayConsole } = await openPage(browser, `${relay.gateway.overlayUrl}&debug=1`, { width: 1280, height: 720 }));
  await overlay.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

async function queueItem(id: string): Promise<PanelQueueItem | undefined> {
  const { items } = (await (await relay.get('/api/queue')).json()) as { items: PanelQueueItem[] };
  return items.find((i) => i.id === id);
}

describe('an engine dying mid-readout, in Chromium', () => {
  it('is followed by the next engine from the first sentence not heard: one clock, words highlighted, played, and the panel says it switched', async () => {
    await recordHighlightedWords(overlay);
    // A second, passive overlay socket records the timeline the relay sends.
    const recorder = relay.overlay();
    const chunks: AudioChunkEvent[] = [];
    let startRateHz = 0;
    let endDurationMs = 0;
    recorder.on('utterance:start', (e) => (startRateHz = e.sampleRateHz));
    recorder.on('audio:chunk', (e) => chunks.push(e));
    const cueWords: TimedWord[] = [];
    recorder.on('cue', (e) => cueWords.push(...e.words));
    recorder.on('utterance:end', (e) => (endDurationMs = e.durationMs));

    const id = await postCaption(relay, TEXT);
    await expect.poll(async () => (await queueItem(id))?.state, { timeout: 20_000, interval: 50 }).toBe('played');

    const item = await queueItem(id);
    expect(item?.switched).toEqual([{ from: 'cosyvoice-selfhost', to: 'embedded', atSentence: 1 }]);

    // One clock: 24 kHz throughout, every chunk starts where the one before ended, and the
    // next engine's speech follows the 1.2 s the first engine had sent.
    expect(startRateHz).toBe(RATE_HZ);
    await expect.poll(() => endDurationMs, { timeout: 5_000 }).toBeGreaterThan(1200 + 1000);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.offsetMs).toBeCloseTo(chunks[i - 1]!.offsetMs + chunks[i - 1]!.durationMs, 3);
    const last = chunks.at(-1)!;
    expect(last.offsetMs + last.durationMs).toBeCloseTo(endDurationMs, 3);
    // Sentence 1's words from the first engine, then the next engine's from sentence 2 on,
    // after the 1.2 s already sent.
    expect(cueWords.map((w) => w.text).join(' ')).toBe('Hello there friend Second sentence words here Third one ends it');
    expect(cueWords.slice(3).every((w) => w.startMs >= 1200)).toBe(true);

    // The overlay played it to the end, audibly, and highlighted sentence 1's words and then
    // the next engine's (a word whose cue comes late on a busy machine may be passed over).
    const stats = (await overlay.evaluate(() => window.__overlayStats)) as OverlayStats;
    expect(stats.utterances.find((u) => u.id === id)?.outcome).toBe('played');
    expect(stats.maxPeakLevel).toBeGreaterThan(0.01);
    const seen = await highlightedWords(overlay);
    const hello = seen.findIndex((w) => w.includes('Hello'));
    expect(hello).toBeGreaterThanOrEqual(0);
    expect(seen.slice(hello + 1).some((w) => /Second|sentence|words|here|Third|one|ends|it/.test(w))).toBe(true);
    recorder.disconnect();

    // The panel's queue row says which engines it switched between.
    const { page: panel, console: panelConsole } = await openPanel(browser, relay);
    await expect.poll(() => queueRow(panel, id).locator('.switched').textContent(), { timeout: 5_000 }).toContain('cosyvoice-selfhost → embedded');
    expect(await queueRow(panel, id).locator('.switched').isVisible()).toBe(true);
    await saveScreenshot(panel, 'engine-switch-panel');
    expectNoConsoleErrors(overlayConsole, panelConsole);
    await panel.context().close();
  });
});
