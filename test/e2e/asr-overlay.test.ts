/**
 * Issue 5, the ASR feed end to end: `WS /ingest/asr?token=…` → relay → the overlay page in
 * Debian Chromium. Partials and finals show in the live subtitle line (#live-line), replaced
 * in place; finals are not voiced unless ASR_VOICE_FINALS=true; a wrong token gets 401.
 */
import { once } from 'node:events';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { RecordingOverlay } from '../support/recording-overlay.ts';
import { historyEntries, queueItems } from '../support/relay-queries.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot, type ConsoleLog } from './browser.ts';

let relay: Harness;
let browser: Browser;
let page: Page;
let consoleLog: ConsoleLog;
let watcher: RecordingOverlay;
const feeds: WebSocket[] = [];

function asrUrl(r: Harness, token: string | null): string {
  const base = r.url.replace(/^http/u, 'ws');
  return token === null ? `${base}/ingest/asr` : `${base}/ingest/asr?token=${encodeURIComponent(token)}`;
}

async function connectFeed(r: Harness): Promise<WebSocket> {
  const ws = new WebSocket(asrUrl(r, r.secrets.token));
  feeds.push(ws);
  await once(ws, 'open');
  return ws;
}

const line = (text: string, final: boolean) => JSON.stringify({ text, final, lang: 'zh' });

/** Resolves with the ms from now until #live-line shows `text` (visible), polled every frame. */
async function liveLineShows(text: string): Promise<number> {
  const started = performance.now();
  await page.waitForFunction(
    (t) => {
      const el = document.getElementById('live-line');
      return el !== null && !el.hidden && el.textContent === t;
    },
    text,
    { polling: 'raf', timeout: 5_000 },
  );
  return performance.now() - started;
}

beforeAll(async () => {
  relay = await startHarness();
  browser = await launchChromium();
  ({ page, console: consoleLog } = await openPage(browser, relay.gateway.overlayUrl));
  await page.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
  watcher = new RecordingOverlay(relay.url, relay.secrets.overlayKey);
  await watcher.connected();
});

afterAll(async () => {
  for (const ws of feeds) if (ws.readyState === WebSocket.OPEN) ws.terminate();
  watcher?.close();
  await browser?.close();
  await relay?.stop();
});

describe('ASR feed → overlay live subtitle line (Chromium)', () => {
  it('shows a partial, replaces it in place with later partials and the final, and does not voice the final', async () => {
    const feed = await connectFeed(relay);
    const startsBefore = watcher.starts.length;

    feed.send(line('大家', false));
    const firstPartialMs = await liveLineShows('大家');
    // Mark the element: "in place" means the same node is updated, not a new line added.
    await page.evaluate(() => {
      (document.getElementById('live-line') as HTMLElement & { __mark?: number }).__mark = 1;
    });

    feed.send(line('大家好', false));
    await liveLineShows('大家好');
    feed.send(line('大家好，欢迎来到直播间', false));
    await liveLineShows('大家好，欢迎来到直播间');
    feed.send(line('大家好，欢迎来到直播间。', true));
    const finalMs = await liveLineShows('大家好，欢迎来到直播间。');

    const dom = await page.evaluate(() => ({
      lines: document.querySelectorAll('.live-line').length,
      marked: (document.getElementById('live-line') as HTMLElement & { __mark?: number }).__mark,
      // The spoken caption box stays empty: nothing was voiced.
      caption: document.getElementById('caption-line')?.textContent ?? '',
    }));
    expect(dom).toEqual({ lines: 1, marked: 1, caption: '' });
    await saveScreenshot(page, 'asr-live-line');

    // All four lines went out under one id (the sentence), the last one final.
    const sent = watcher.lines.slice(-4);
    expect(sent.map((l) => [l.text, l.final])).toEqual([
      ['大家', false],
      ['大家好', false],
      ['大家好，欢迎来到直播间', false],
      ['大家好，欢迎来到直播间。', true],
    ]);
    expect(new Set(sent.map((l) => l.id)).size).toBe(1);

    // Not voiced: a caption posted after the final is the next readout to start (a voiced
    // final, queued first and ranked as the broadcaster, would have started before it).
    const res = await relay.post('/api/captions', { text: 'marker after the final', user: 'tester' });
    expect(res.status).toBe(202);
    const { id: markerId } = (await res.json()) as { id: string };
    await watcher.waitForStart((s) => s.id === markerId, 15_000);
    expect(watcher.starts.slice(startsBefore).map((s) => s.id)).toEqual([markerId]);
    expect((await queueItems(relay)).some((i) => i.source === 'asr')).toBe(false);
    expect((await historyEntries(relay)).some((e) => e.source === 'asr')).toBe(false);
    const stats = (await page.evaluate(() => window.__overlayStats)) as OverlayStats;
    expect(stats.invalidEvents).toBe(0);

    // A final line is held, then cleared (overlay holdMs, default 1.5 s).
    await page.waitForFunction(() => document.getElementById('live-line')?.hidden === true, undefined, { timeout: 5_000 });
    console.info(`asr figures ${JSON.stringify({ firstPartialMs: Math.round(firstPartialMs), finalMs: Math.round(finalMs) })}`);
  });

  it('refuses a wrong or missing token with 401 on upgrade', async () => {
    for (const url of [asrUrl(relay, 'not-the-token'), asrUrl(relay, relay.secrets.overlayKey), asrUrl(relay, null)]) {
      const ws = new WebSocket(url);
      ws.on('error', () => {}); // the refused upgrade also surfaces as an error event
      const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      expect(res.statusCode, url.replace(/token=.*/u, 'token=…')).toBe(401);
    }
  });

  it('logged no console errors', () => {
    expectNoConsoleErrors(consoleLog);
  });
});

describe('ASR_VOICE_FINALS=true', () => {
  let voiced: Harness;
  let overlay: RecordingOverlay;

  beforeAll(async () => {
    voiced = await startHarness({ ASR_VOICE_FINALS: 'true' });
    overlay = new RecordingOverlay(voiced.url, voiced.secrets.overlayKey);
    await overlay.connected();
  });
  afterAll(async () => {
    overlay?.close();
    await voiced?.stop();
  });

  it('voices the final (utterance:start with its text) and still only shows the partials', async () => {
    const feed = await connectFeed(voiced);
    feed.send(JSON.stringify({ text: 'hello from', final: false, lang: 'en' }));
    feed.send(JSON.stringify({ text: 'hello from the streamer', final: true, lang: 'en' }));
    const start = await overlay.waitForStart((s) => s.text === 'hello from the streamer', 15_000);
    expect(start.user).toBe('streamer');
    expect(overlay.starts.map((s) => s.text)).toEqual(['hello from the streamer']);
    expect(overlay.lines.filter((l) => !l.final).map((l) => l.text)).toEqual(['hello from']);
    await expect
      .poll(async () => (await historyEntries(voiced)).find((e) => e.id === start.id)?.state, { timeout: 15_000, interval: 50 })
      .toBe('played');
    expect((await historyEntries(voiced)).find((e) => e.id === start.id)).toMatchObject({ source: 'asr', lang: 'en' });
  });
});
