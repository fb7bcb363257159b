/** Helpers for the panel's real-Chromium tests: a logged-in panel page, an overlay page, readouts, queue rows. */
import { expect } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { OverlayStats } from '../../../overlay/src/overlay/main.ts';
import type { Harness } from '../../support/relay-harness.ts';
import { openPage, type ConsoleLog } from '../browser.ts';

export interface OpenedPage {
  page: Page;
  console: ConsoleLog;
}

export const PHONE = { width: 390, height: 844 };

/** The panel, logged in through its URL token, once its socket is connected. */
export async function openPanel(browser: Browser, relay: Harness, viewport = { width: 1280, height: 720 }): Promise<OpenedPage> {
  const { page, console } = await openPage(browser, `${relay.url}/panel#token=${encodeURIComponent(relay.secrets.token)}`, viewport);
  await page.waitForSelector('#conn[data-state="connected"]');
  return { page, console };
}

/** The overlay page in a second tab, connected (so the queue plays). */
export async function openOverlay(browser: Browser, relay: Harness): Promise<OpenedPage> {
  const { page, console } = await openPage(browser, relay.gateway.overlayUrl, { width: 1280, height: 720 });
  await page.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
  return { page, console };
}

export const overlayStats = (page: Page): Promise<OverlayStats> => page.evaluate(() => window.__overlayStats as OverlayStats);

export async function postCaption(relay: Harness, text: string, user = 'viewer'): Promise<string> {
  const res = await relay.post('/api/captions', { text, user });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

export const queueRow = (page: Page, id: string): Locator => page.locator(`#queue li[data-id="${id}"]`);

export const rowState = (page: Page, id: string): Promise<string | null> => queueRow(page, id).getAttribute('data-state');

/** A long English readout (several seconds of embedded speech). */
export const LONG_TEXT = Array.from({ length: 6 }, (_, i) => `Sentence ${i + 1} keeps talking for quite a while.`).join(' ');

/** Switches the panel to a tab. */
export async function showTab(page: Page, tab: 'live' | 'health' | 'history' | 'voices' | 'settings'): Promise<void> {
  await page.click(`#tabs button[data-tab="${tab}"]`);
  await page.waitForSelector(`#tab-${tab}:not([hidden])`);
}
