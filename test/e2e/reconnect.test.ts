/**
 * Reconnects in real Chromium against a real relay: an overlay refreshed mid-utterance
 * restarts at most the current utterance and finished ones never replay; two overlays on
 * the same key play the same readout together.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { launchChromium, openPage } from './browser.ts';

let relay: Harness;
let browser: Browser;

beforeAll(async () => {
  relay = await startHarness({ RELAY_DEDUPE_WINDOW_MS: '0' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

type QueueItem = { id: string; state: string };
const stateOf = async (id: string) =>
  ((await (await relay.get('/api/queue')).json()) as { items: QueueItem[] }).items.find((i) => i.id === id)?.state;
const stats = (page: Page) => page.evaluate(() => window.__overlayStats as OverlayStats);
const connected = (page: Page) => page.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });

async function post(text: string): Promise<string> {
  const res = await relay.post('/api/captions', { text });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** Resolves with the wall-clock time (ms) at which `id` became the overlay's current utterance. */
function whenCurrent(page: Page, id: string): Promise<number> {
  return page.evaluate(
    (target) =>
      new Promise<number>((resolve) => {
        const check = () => (window.__overlayStats?.currentId === target ? resolve(Date.now()) : requestAnimationFrame(check));
        check();
      }),
    id,
  );
}

describe('overlay reconnects', () => {
  it('a refresh mid-utterance restarts only that utterance; it and the next play to the end, nothing finished replays', async () => {
    const { page, context } = await openPage(browser, relay.gateway.overlayUrl);
    await connected(page);
    const done = await post('This one finishes before the refresh.');
    await expect.poll(() => stateOf(done), { timeout: 15_000, interval: 50 }).toBe('played');

    const long = await post(Array.from({ length: 5 }, (_, i) => `Long readout sentence ${i + 1}.`).join(' '));
    await expect.poll(() => stateOf(long), { timeout: 10_000, interval: 20 }).toBe('playing');
    await page.reload();
    await connected(page);
    const next = await post('And the next one after the refresh.');
    await expect.poll(() => stateOf(next), { timeout: 30_000, interval: 50 }).toBe('played');
    expect(await stateOf(long)).toBe('played');

    const ids = (await stats(page)).utterances.map((u) => u.id);
    expect(ids).not.toContain(done); // finished before the refresh: never replayed
    expect(ids.filter((id) => id === long)).toHaveLength(1); // restarted once
    expect(ids.filter((id) => id === next)).toHaveLength(1);
    await context.close();
  });

  it('two overlays on the same key start the same readout together', async () => {
    const a = await openPage(browser, relay.gateway.overlayUrl);
    const b = await openPage(browser, relay.gateway.overlayUrl);
    await connected(a.page);
    await connected(b.page);
    const id = await post('两个浮层同步播放。Both overlays in sync.');
    const [startA, startB] = await Promise.all([whenCurrent(a.page, id), whenCurrent(b.page, id)]);
    expect(Math.abs(startA - startB)).toBeLessThan(150);
    await expect.poll(() => stateOf(id), { timeout: 15_000, interval: 50 }).toBe('played');
    // Both play it to the end (the queue advanced on whichever acked first).
    for (const { page } of [a, b]) await expect.poll(async () => (await stats(page)).acks.end, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    await a.context.close();
    await b.context.close();
  });
});
