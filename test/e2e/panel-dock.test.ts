/**
 * The panel as an OBS custom browser dock (360×600) and its first-hour strings, in real
 * Chromium against a real relay: no horizontal scroll on any tab in either language, the send
 * box and the queue usable, the send limit taken from the relay, the ASR feed idle (not red)
 * when nothing feeds it, drop reasons, roles and the voice-test note in Chinese, and why the
 * never-read list holds chat bots.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { expectNoConsoleErrors, launchChromium, saveScreenshot } from './browser.ts';
import { openPanel, postCaption, queueRow, rowState, showTab } from './panel/panel-kit.ts';

/** An OBS 29/30 custom browser dock at its narrow width. */
const DOCK = { width: 360, height: 600 };
const TABS = ['live', 'health', 'history', 'voices', 'settings'] as const;

let relay: Harness;
let browser: Browser;

beforeAll(async () => {
  relay = await startHarness({ RELAY_MAX_TEXT_CHARS: '120', RELAY_DEDUPE_WINDOW_MS: '0' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Elements sticking out past the right edge of the dock (their tag, id or class), for the failure message. */
const outside = (page: Page) =>
  page.evaluate((width) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5 && el.offsetParent !== null) out.push(`${el.tagName}#${el.id}.${el.className}`);
    }
    return out.slice(0, 10);
  }, DOCK.width);

describe('panel in an OBS dock (360×600)', () => {
  it('has no horizontal scroll on any tab, in English and Chinese', async () => {
    const { page, console: log } = await openPanel(browser, relay, DOCK);
    await postCaption(relay, 'A long readout waiting in the queue so the row has text, buttons and a reason to wrap', 'someone_with_a_long_name');
    for (const lang of ['en', 'zh']) {
      for (const tab of TABS) {
        await showTab(page, tab);
        await page.waitForTimeout(100);
        expect(await horizontalOverflow(page), `${lang} ${tab}: ${(await outside(page)).join(', ')}`).toBeLessThanOrEqual(0);
        await saveScreenshot(page, `panel-dock-${lang}-${tab}`);
      }
      await page.click('#lang');
    }
    expectNoConsoleErrors(log);
    await page.context().close();
  });

  it('keeps the send box and the queue usable; the send limit is the relay’s', async () => {
    const { page, console: log } = await openPanel(browser, relay, DOCK);
    expect(await page.evaluate(() => (document.getElementById('text') as HTMLTextAreaElement).maxLength)).toBe(120);
    expect(await page.textContent('#send-count')).toMatch(/^0 \/ 120\b/);
    await page.fill('#text', 'x'.repeat(200));
    expect((await page.inputValue('#text')).length).toBe(120);
    expect(await page.textContent('#send-count')).toMatch(/^120 \/ 120\b/);

    await page.fill('#text', 'sent from the dock');
    for (const selector of ['#text', '#send-button']) {
      const box = (await page.locator(selector).boundingBox())!;
      expect(box.x, selector).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, selector).toBeLessThanOrEqual(DOCK.width);
    }
    await page.click('#send-button');
    const row = page.locator('#queue li', { hasText: 'sent from the dock' });
    await row.waitFor();
    expect(await page.textContent('#send-count')).toMatch(/^0 \/ 120\b/);
    const skip = row.locator('button.skip');
    const box = (await skip.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(DOCK.width);
    await skip.click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('skipped');
    expectNoConsoleErrors(log);
    await page.context().close();
  });
});

describe('panel strings a new user sees', () => {
  it('shows the ASR feed as idle, not as a fault, when nothing feeds it', async () => {
    const { page, console: log } = await openPanel(browser, relay);
    await showTab(page, 'health');
    const asr = page.locator('.source-status[data-source="asr"]');
    await asr.waitFor();
    expect(await asr.getAttribute('data-connected')).toBe('false');
    expect(await asr.locator('.flag').getAttribute('data-idle')).toBe('true');
    expect(await asr.locator('.bad').count()).toBe(0);
    expect(await asr.locator('.flag').textContent()).toBe('waiting for a feed');
    await page.click('#lang');
    expect(await asr.locator('.flag').textContent()).toBe('等待接入');
    await page.click('#lang');
    expectNoConsoleErrors(log);
    await page.context().close();
  });

  it('translates drop reasons, roles and options in Chinese, and says why chat bots are never read', async () => {
    const { page, console: log } = await openPanel(browser, relay);
    const id = await postCaption(relay, 'skip me please', 'viewer7');
    await queueRow(page, id).waitFor();
    await queueRow(page, id).locator('button.skip').click();
    await expect.poll(() => rowState(page, id)).toBe('skipped');
    const troll = await postCaption(relay, 'ban me', 'troll1');
    await queueRow(page, troll).locator('button.ban').click();
    await expect.poll(() => rowState(page, troll)).toBe('dropped');
    await page.click('#lang');
    await expect.poll(() => queueRow(page, id).locator('.reason').textContent()).toBe('在控制台跳过');
    await expect.poll(() => queueRow(page, troll).locator('.reason').textContent()).toBe('用户已封禁');
    expect(await page.locator('#tab-live .card', { hasText: '已封禁用户' }).textContent()).toContain('Nightbot');

    await showTab(page, 'settings');
    const roles = page.locator('.field[data-path="roles.allowed"]');
    expect(await roles.textContent()).toContain('房管');
    expect(await roles.textContent()).not.toContain('moderator');
    expect(await page.locator('.field[data-path="users.deny"] .hint').textContent()).toContain('聊天机器人');
    expect(await page.locator('.field[data-path="bannedWords.action"] option[value="bleep"]').textContent()).toBe('用哔声替换该词');

    // The embedded engine applies rate and pitch: no note, never one with an empty list.
    const note = page.locator('#test-note');
    expect(await note.isHidden()).toBe(true);
    expect(await note.textContent()).toBe('');

    await showTab(page, 'health');
    await expect.poll(() => page.locator('#drops-body tr[data-reason="banned"] td').first().textContent(), { timeout: 10_000 }).toBe('用户已封禁');
    await page.click('#lang');
    expectNoConsoleErrors(log);
    await page.context().close();
  });
});
