/**
 * The control panel in real Chromium against a real relay (no overlay connected, so readouts
 * wait in the queue): login, live queue with every state and the paid badge, pause/resume
 * (button and P), zh/en labels (persisted), the phone layout, no console errors.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privmsgLine } from '../fakes/twitch/fake-twitch-irc.ts';
import { startChatFakes, TEST_TWITCH_CHANNEL, type ChatFakes } from '../support/chat-fakes.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot } from './browser.ts';
import { openPanel, PHONE, postCaption, queueRow, rowState, showTab } from './panel/panel-kit.ts';

let relay: Harness;
let chat: ChatFakes;
let browser: Browser;

beforeAll(async () => {
  chat = await startChatFakes();
  relay = await startHarness({ ...chat.settings, RELAY_DEDUPE_WINDOW_MS: '0' });
  await chat.connected();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await chat?.close();
});

describe('panel', () => {
  it('refuses a wrong token, then logs in with the right one', async () => {
    const { page, console: log } = await openPage(browser, `${relay.url}/panel`);
    await page.fill('#token', 'wrong-token-wrong-token');
    await page.click('#login button[type=submit]');
    await expect.poll(() => page.isVisible('#error')).toBe(true);
    expect(await page.isVisible('#app')).toBe(false);
    expect(await page.getAttribute('#conn', 'data-state')).toBe('unauthorized');

    await page.fill('#token', relay.secrets.token);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#conn[data-state="connected"]');
    expect(await page.isVisible('#app')).toBe(true);
    expect(await page.isVisible('#error')).toBe(false);
    // The refused login logs a 401-style socket error; nothing else may go wrong.
    expect(log.errors.filter((e) => !/unauthorized/i.test(e))).toEqual([]);
    await page.context().close();
  });

  it('shows the queue live: queued, paid badge, a readout sent from the panel, skipped; text shown literally', async () => {
    const { page, console: log } = await openPanel(browser, relay);
    const hostile = await postCaption(relay, '<img src=x onerror="window.__pwned=1"> hello from the API', 'viewer42');
    await queueRow(page, hostile).waitFor();
    expect(await queueRow(page, hostile).locator('.text').textContent()).toContain('<img src=x');
    expect(await rowState(page, hostile)).toBe('queued');
    expect(await queueRow(page, hostile).locator('.source').textContent()).toBe('http');

    chat.twitch.send(privmsgLine(TEST_TWITCH_CHANNEL, { login: 'whale' }, 'Cheer100 thanks for the stream', { bits: 100 }));
    const paidRow = page.locator('#queue li', { hasText: 'thanks for the stream' });
    await paidRow.waitFor();
    expect(await paidRow.locator('.paid').isVisible()).toBe(true);
    expect(await paidRow.locator('.source').textContent()).toBe('twitch');
    expect(await queueRow(page, hostile).locator('.paid').isVisible()).toBe(false);

    await page.fill('#text', '来自面板的消息');
    await page.click('#send-button');
    const sentRow = page.locator('#queue li', { hasText: '来自面板的消息' });
    await sentRow.waitFor();
    expect(await sentRow.locator('.source').textContent()).toBe('panel');
    expect(await sentRow.locator('button.ban').isVisible()).toBe(false);
    expect(await page.inputValue('#text')).toBe('');

    await queueRow(page, hostile).locator('button.skip').click();
    await expect.poll(() => rowState(page, hostile)).toBe('skipped');
    expect(await queueRow(page, hostile).locator('button.replay').isVisible()).toBe(true);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expectNoConsoleErrors(log);
    await saveScreenshot(page, 'panel-queue');
    await page.context().close();
  });

  it('pauses and resumes with the button and with P (not while typing)', async () => {
    const { page, console: log } = await openPanel(browser, relay);
    expect(await page.textContent('#help')).toContain('S');
    await page.click('#pause');
    await page.waitForSelector('#paused-badge:not([hidden])');
    expect(await page.textContent('#pause')).toBe('Resume');
    await page.click('#pause');
    await page.waitForSelector('#paused-badge', { state: 'hidden' });

    await page.click('#text');
    await page.keyboard.press('p');
    expect(await page.inputValue('#text')).toBe('p');
    await page.waitForTimeout(300);
    expect(await page.isVisible('#paused-badge')).toBe(false);
    await page.fill('#text', '');
    await page.click('#queue');
    await page.keyboard.press('p');
    await page.waitForSelector('#paused-badge:not([hidden])');
    await page.keyboard.press('p');
    await page.waitForSelector('#paused-badge', { state: 'hidden' });
    expectNoConsoleErrors(log);
    await page.context().close();
  });

  it('switches labels between English and Chinese, and remembers the choice', async () => {
    const { page, console: log } = await openPanel(browser, relay);
    const id = await postCaption(relay, 'Bilingual labels please', 'linguist');
    await queueRow(page, id).waitFor();
    const labels = async () => ({
      tab: await page.textContent('#tabs button[data-tab="health"]'),
      state: await queueRow(page, id).locator('.state').textContent(),
      pause: await page.textContent('#pause'),
      help: await page.textContent('#help'),
    });
    expect(await labels()).toEqual({ tab: 'Health', state: 'queued', pause: 'Pause', help: expect.stringContaining('skip current') });
    await page.click('#lang');
    expect(await labels()).toEqual({ tab: '状态', state: '排队中', pause: '暂停', help: expect.stringContaining('跳过当前') });
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await saveScreenshot(page, 'panel-zh');
    await page.reload();
    await page.waitForSelector('#conn[data-state="connected"]');
    expect((await labels()).tab).toBe('状态');
    await page.click('#lang');
    expect((await labels()).tab).toBe('Health');
    expectNoConsoleErrors(log);
    await page.context().close();
  });

  it('applies a queue policy edited in the settings at once: a readout past its TTL shows as expired', async () => {
    const { page, console: log } = await openPanel(browser, relay);
    await showTab(page, 'settings');
    const form = page.locator('form[data-section="queuePolicy"]');
    await form.locator('input[name="ttlMs"]').fill('800');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('.form-status').textContent()).toBe('Saved');
    await showTab(page, 'live');
    const id = await postCaption(relay, 'This one waits too long', 'patient');
    await expect.poll(() => rowState(page, id), { timeout: 5_000 }).toBe('expired');
    expect(await queueRow(page, id).locator('.state').textContent()).toBe('expired');
    await showTab(page, 'settings');
    await form.locator('input[name="ttlMs"]').fill('120000');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('.form-status').textContent()).toBe('Saved');
    expectNoConsoleErrors(log);
    await page.context().close();
  });

  it('fits a phone (390×844) on every tab without horizontal scrolling', async () => {
    const { page, console: log } = await openPanel(browser, relay, PHONE);
    for (const tab of ['live', 'health', 'history', 'voices', 'settings'] as const) {
      await showTab(page, tab);
      await page.waitForTimeout(100);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth, tab).toBeLessThanOrEqual(clientWidth);
      await saveScreenshot(page, `panel-phone-${tab}`);
    }
    expectNoConsoleErrors(log);
    await page.context().close();
  });
});
