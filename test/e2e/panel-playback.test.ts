/**
 * The panel driving a real overlay page (second tab, real Web Audio) through a real relay:
 * skip current with S silences the overlay mid-word, a ban drops the user's playing and
 * queued readouts, health shows what the overlay is doing, clearing paid readouts asks
 * first, history downloads real SRT, and the latency chart fills in.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privmsgLine } from '../fakes/twitch/fake-twitch-irc.ts';
import { startChatFakes, TEST_TWITCH_CHANNEL, type ChatFakes } from '../support/chat-fakes.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { expectNoConsoleErrors, launchChromium, saveScreenshot, type ConsoleLog } from './browser.ts';
import { LONG_TEXT, openOverlay, openPanel, overlayStats, postCaption, queueRow, rowState, showTab } from './panel/panel-kit.ts';

let relay: Harness;
let chat: ChatFakes;
let browser: Browser;
let panel: Page;
let overlay: Page;
const consoles: ConsoleLog[] = [];

beforeAll(async () => {
  chat = await startChatFakes();
  relay = await startHarness({ ...chat.settings, RELAY_DEDUPE_WINDOW_MS: '0' });
  await chat.connected();
  browser = await launchChromium();
  const p = await openPanel(browser, relay);
  const o = await openOverlay(browser, relay);
  panel = p.page;
  overlay = o.page;
  consoles.push(p.console, o.console);
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await chat?.close();
});

const playing = (id: string) => expect.poll(() => rowState(panel, id), { timeout: 10_000, interval: 25 }).toBe('playing');

describe('panel with a live overlay', () => {
  it('shows the overlay playing, then S skips the current readout and the overlay goes silent at once', async () => {
    const id = await postCaption(relay, LONG_TEXT, 'talker');
    await playing(id);
    await expect.poll(async () => (await overlayStats(overlay)).liveSources, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(await queueRow(panel, id).locator('.progress').isVisible()).toBe(true);

    await showTab(panel, 'health');
    const status = panel.locator('#overlays-body .overlay-status');
    await expect.poll(() => status.getAttribute('data-playing')).toBe('true');
    expect(await status.locator('dd').nth(2).textContent()).toContain('playback:start');
    await saveScreenshot(panel, 'panel-health-playing');
    await showTab(panel, 'live');

    const before = (await overlayStats(overlay)).cancelledUtterances;
    await panel.click('#queue'); // focus outside any input
    await panel.keyboard.press('s');
    await expect.poll(async () => (await overlayStats(overlay)).cancelledUtterances, { timeout: 2_000, interval: 20 }).toBe(before + 1);
    expect((await overlayStats(overlay)).liveSources).toBe(0);
    await expect.poll(() => rowState(panel, id)).toBe('skipped');
    await showTab(panel, 'health');
    await expect.poll(() => status.getAttribute('data-playing')).toBe('false');
    await showTab(panel, 'live');
  });

  it('ban drops the user’s playing and queued readouts, keeps others, and lists the user as banned', async () => {
    const first = await postCaption(relay, LONG_TEXT, 'troll');
    const second = await postCaption(relay, 'and another one from me', 'troll');
    const friend = await postCaption(relay, 'A friendly hello.', 'friend');
    await playing(first);
    const before = (await overlayStats(overlay)).cancelledUtterances;
    await queueRow(panel, first).locator('button.ban').click();
    await expect.poll(() => rowState(panel, first)).toBe('dropped');
    expect(await rowState(panel, second)).toBe('dropped');
    expect(await queueRow(panel, first).locator('.reason').textContent()).toBe('user banned');
    await expect.poll(async () => (await overlayStats(overlay)).cancelledUtterances).toBeGreaterThan(before);
    await panel.locator('#banned-list li[data-user="troll"]').waitFor();
    await expect.poll(() => rowState(panel, friend), { timeout: 10_000 }).toBe('played');
    await saveScreenshot(panel, 'panel-after-ban');
  });

  it('asks before clearing paid readouts: keep paid, then clear them too', async () => {
    await panel.click('#pause');
    await panel.waitForSelector('#paused-badge:not([hidden])');
    chat.twitch.send(privmsgLine(TEST_TWITCH_CHANNEL, { login: 'whale' }, 'Cheer100 a paid hello', { bits: 100 }));
    const paidRow = panel.locator('#queue li', { hasText: 'a paid hello' });
    await paidRow.waitFor();
    const free = await postCaption(relay, 'a free hello', 'viewer');
    await queueRow(panel, free).waitFor();

    await panel.click('#clear');
    await panel.waitForSelector('#clear-dialog[open]');
    await saveScreenshot(panel, 'panel-clear-dialog');
    await panel.click('#clear-dialog button[value="keep-paid"]');
    await expect.poll(() => rowState(panel, free)).toBe('skipped');
    expect(await paidRow.getAttribute('data-state')).toBe('queued');

    await panel.click('#clear');
    await panel.click('#clear-dialog button[value="all"]');
    await expect.poll(() => paidRow.getAttribute('data-state')).toBe('skipped');
    expect(await paidRow.locator('.reason').textContent()).toBe('queue cleared');
    await panel.click('#pause');
    await panel.waitForSelector('#paused-badge', { state: 'hidden' });
  });

  it('downloads the history as SRT with real cue timings and finds entries by text or user', async () => {
    await showTab(panel, 'history');
    await panel.fill('#history-query', 'friend');
    await expect.poll(() => panel.locator('#history-list li').count()).toBe(1);
    expect(await panel.locator('#history-list li .text').textContent()).toBe('A friendly hello.');
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.click('button[data-download="srt"]')]);
    expect(download.suggestedFilename()).toMatch(/^cosy-relay-history-.*\.srt$/);
    const srt = readFileSync((await download.path())!, 'utf8');
    expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
    expect(srt).toContain('A friendly hello.');
    await showTab(panel, 'live');
  });

  it('charts first-audio latency with p50/p95 and counts drops by reason', async () => {
    await showTab(panel, 'health');
    await expect.poll(() => panel.textContent('#latency-summary'), { timeout: 5_000 }).toMatch(/^p50 \d+ ms · p95 \d+ ms · n = [3-9]/);
    expect(await panel.locator('#latency-chart canvas').count()).toBeGreaterThan(0);
    expect(await panel.textContent('#drops-body tr[data-reason="banned"] td.num')).toBe('2');
    await saveScreenshot(panel, 'panel-health');
    expectNoConsoleErrors(...consoles);
  });
});
