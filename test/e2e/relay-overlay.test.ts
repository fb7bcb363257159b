/**
 * The whole path in a real browser: POST /api/captions → queue → embedded engine →
 * Socket.IO → overlay page in Debian Chromium (Web Audio) → playback acks → queue.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { highlightedWords, recordHighlightedWords } from './overlay-words.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot, type ConsoleLog } from './browser.ts';

let relay: Harness;
let browser: Browser;
let page: Page;
let consoleLog: ConsoleLog;

type QueueItem = { id: string; state: string; firstAudioMs?: number };

async function stateOf(id: string): Promise<QueueItem | undefined> {
  const { items } = (await (await relay.get('/api/queue')).json()) as { items: QueueItem[] };
  return items.find((i) => i.id === id);
}

const stats = () => page.evaluate(() => window.__overlayStats as OverlayStats);

async function postCaption(text: string): Promise<string> {
  const res = await relay.post('/api/captions', { text, user: 'viewer' });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  relay = await startHarness();
  browser = await launchChromium();
  ({ page, console: consoleLog } = await openPage(browser, `${relay.gateway.overlayUrl}&debug=1`, { width: 1920, height: 1080 }));
  await page.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

describe('caption → overlay in Chromium', () => {
  it('plays the caption audibly, highlights its words in order and acks so the queue advances', async () => {
    // Words are highlighted one after another while the audio plays.
    await recordHighlightedWords(page);
    const id = await postCaption('你好，欢迎来到直播间！Thanks for the follow.');
    await expect.poll(async () => (await stateOf(id))?.state, { timeout: 15_000, interval: 20 }).toBe('played');
    const seen = await highlightedWords(page);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.join(' ')).toMatch(/follow/);

    const s = await stats();
    expect(s.acks.start).toBeGreaterThanOrEqual(1);
    expect(s.acks.end).toBeGreaterThanOrEqual(1);
    expect(s.maxPeakLevel).toBeGreaterThan(0.01); // real, non-silent audio came out of the graph

    const item = await stateOf(id);
    expect(item?.firstAudioMs).toBeGreaterThan(0);
    await saveScreenshot(page, 'relay-overlay');
  });

  it('plays two readouts back to back and skipping one mid-utterance silences it at once', async () => {
    const long = Array.from({ length: 6 }, (_, i) => `Sentence ${i + 1} keeps talking for a while.`).join(' ');
    const first = await postCaption(long);
    const second = await postCaption('第二条消息，谢谢大家。');
    await expect.poll(async () => (await stateOf(first))?.state, { timeout: 10_000, interval: 20 }).toBe('playing');

    const res = await fetch(`${relay.url}/api/queue/${first}`, { method: 'DELETE', headers: { authorization: `Bearer ${relay.secrets.token}` } });
    expect(res.status).toBe(200);
    await expect.poll(async () => (await stats()).cancelledUtterances, { timeout: 5_000, interval: 20 }).toBeGreaterThanOrEqual(1);
    // The next readout (already prefetched) follows and plays to the end.
    await expect.poll(async () => (await stateOf(second))?.state, { timeout: 15_000, interval: 50 }).toBe('played');
    expect((await stateOf(first))?.state).toBe('skipped');
  });

  it('shows markup in text literally and runs no script from it', async () => {
    const id = await postCaption('<img src=x onerror="window.__pwned=1"> <b>bold</b>');
    await expect.poll(async () => (await stateOf(id))?.state, { timeout: 15_000, interval: 50 }).toBe('played');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('img, b').length)).toBe(0);
  });

  it('logged no console errors', () => {
    expectNoConsoleErrors(consoleLog);
  });
});
