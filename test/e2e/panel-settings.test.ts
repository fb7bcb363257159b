/**
 * Panel settings in real Chromium: clear errors for invalid values, the overlay style pushed
 * live to connected overlays (URL parameters still win) and previewed without touching the
 * queue, the voice test played in the panel, and every setting kept across a relay restart.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot, type ConsoleLog } from './browser.ts';
import { openOverlay, openPanel, postCaption, queueRow, showTab } from './panel/panel-kit.ts';

let dataDir: string;
let relay: Harness;
let browser: Browser;
let panel: Page;
/** Overlay pages (closed before the restart: they would log their reconnect attempts). */
const overlays: Page[] = [];
const consoles: ConsoleLog[] = [];

const form = (section: string) => panel.locator(`form[data-section="${section}"]`);
const field = (section: string, path: string) => form(section).locator(`[name="${path}"]`);
const status = (section: string) => form(section).locator('.form-status');

async function save(section: string): Promise<string | null> {
  await form(section).locator('button[type=submit]').click();
  await expect.poll(() => status(section).textContent()).not.toBe('Unsaved changes');
  return status(section).textContent();
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cosy-panel-settings-'));
  relay = await startHarness({}, undefined, dataDir);
  browser = await launchChromium();
  const opened = await openPanel(browser, relay);
  panel = opened.page;
  consoles.push(opened.console);
  await showTab(panel, 'settings');
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('panel settings', () => {
  it('says clearly what is wrong with an invalid value, next to the field', async () => {
    await field('voice', 'rate').fill('5');
    expect(await save('voice')).toMatch(/^rate: .*2/);
    expect(await form('voice').locator('.field[data-path="rate"]').getAttribute('class')).toContain('invalid');

    await field('overlayStyle', 'size').fill('9000');
    expect(await save('overlayStyle')).toContain('size: "9000" refused, expected a whole number from 8 to 300');

    await field('moderation', 'users.spokenNames').fill('no equals sign here');
    expect(await save('moderation')).toBe('Spoken names (name = how to say it): cannot read this line');
    await field('moderation', 'users.spokenNames').fill('');
    await saveScreenshot(panel, 'panel-settings-errors');
  });

  it('shows beside the moderation limits what they apply to and the relay limit in force; the send box takes that limit', async () => {
    const hint = (path: string) => form('moderation').locator(`.field[data-path="${path}"] .hint`);
    await expect.poll(() => hint('length.maxChars').textContent()).toMatch(/^Chat and ASR messages are cut .* RELAY_MAX_TEXT_CHARS = \d+$/u);
    expect(await hint('duplicates.windowMs').textContent()).toMatch(/panel and API too.* RELAY_DEDUPE_WINDOW_MS = \d+$/u);
    const init = await panel.evaluate(() => Number(document.querySelector<HTMLTextAreaElement>('#text')!.maxLength));
    expect(await hint('length.maxChars').textContent()).toContain(`RELAY_MAX_TEXT_CHARS = ${init}`);
  });

  it('pushes a saved overlay style to connected overlays at once; a URL parameter still wins', async () => {
    const plain = await openOverlay(browser, relay);
    const sized = await openPage(browser, `${relay.gateway.overlayUrl}&size=30`);
    await sized.page.waitForFunction(() => window.__overlayStats?.connected === true);
    consoles.push(plain.console, sized.console);
    overlays.push(plain.page, sized.page);

    await field('overlayStyle', 'size').fill('64');
    await field('overlayStyle', 'color').fill('#ff0000');
    await field('overlayStyle', 'position').selectOption('top');
    expect(await save('overlayStyle')).toBe('Saved');

    const look = (page: Page) =>
      page.evaluate(() => ({
        size: getComputedStyle(document.getElementById('caption')!).fontSize,
        color: getComputedStyle(document.documentElement).getPropertyValue('--caption-color').trim(),
        top: document.getElementById('stage')!.classList.contains('pos-top'),
      }));
    await expect.poll(() => look(plain.page)).toEqual({ size: '64px', color: '#ff0000', top: true });
    await expect.poll(() => look(sized.page)).toEqual({ size: '30px', color: '#ff0000', top: true });
  });

  it('previews an unsaved style in the overlay page itself, which never connects', async () => {
    const overlaysBefore = relay.gateway.overlaysConnected();
    const preview = async (): Promise<Frame> => {
      await expect.poll(() => panel.frames().some((f) => f.url().includes('preview=1'))).toBe(true);
      return panel.frames().find((f) => f.url().includes('preview=1'))!;
    };
    await field('overlayStyle', 'size').fill('80');
    await field('overlayStyle', 'highlight').fill('lime');
    const frame = await preview();
    await expect
      .poll(() => frame.evaluate(() => getComputedStyle(document.getElementById('caption')!).fontSize))
      .toBe('80px');
    expect(await frame.evaluate(() => document.getElementById('caption')!.textContent)).toContain('Thanks for the follow');
    expect(await frame.evaluate(() => window.__overlayStats)).toBeUndefined();
    expect(relay.gateway.overlaysConnected()).toBe(overlaysBefore);
    expect(await panel.inputValue('#overlay-url')).toBe(relay.gateway.overlayUrl);
    await saveScreenshot(panel, 'panel-style-preview');
  });

  it('plays a voice test with the form’s voice settings, and says which parameters an engine ignores', async () => {
    expect(await panel.locator('#test-engine option').allTextContents()).toEqual(['embedded']);
    expect(await panel.isVisible('#test-note')).toBe(false);
    await field('voice', 'rate').fill('1.5');
    await field('voice', 'volumePercent').fill('80');
    await panel.click('#test-play');
    await expect.poll(() => panel.getAttribute('#test-result', 'data-played'), { timeout: 15_000 }).toBe('1');
    expect(Number(await panel.getAttribute('#test-result', 'data-bytes'))).toBeGreaterThan(10_000);
    expect(await save('voice')).toBe('Saved');
  });

  it('saves voice rules (a bad user key named), and the queue shows the voice a readout was given', async () => {
    await field('voices', 'users').fill('12345 = narrator');
    expect(await save('voices')).toMatch(/^users\.12345: .*platform/);
    await field('voices', 'users').fill('twitch:12345 = narrator');
    await field('voices', 'sources').fill('http = narrator');
    await field('voices', 'chatCommand.enabled').check();
    await field('voices', 'chatCommand.aliases').fill('robo = narrator');
    expect(await save('voices')).toBe('Saved');

    const id = await postCaption(relay, 'which voice is this');
    await showTab(panel, 'live');
    await expect.poll(() => queueRow(panel, id).locator('.source').textContent()).toBe('http · 🗣 narrator');
    await showTab(panel, 'settings');
  });

  it('keeps every setting across a relay restart on the same data dir', async () => {
    await field('moderation', 'bannedWords.words').fill('spoiler\nleak');
    await field('moderation', 'bannedWords.action').selectOption('bleep');
    await field('moderation', 'length.maxChars').fill('150');
    expect(await save('moderation')).toBe('Saved');
    await field('queuePolicy', 'ttlMsByClass.viewer').fill('60000');
    await field('queuePolicy', 'sourceLimits').fill('twitch = 20, reject');
    expect(await save('queuePolicy')).toBe('Saved');
    await field('overlayStyle', 'size').fill('64');
    await field('overlayStyle', 'highlight').fill('');
    expect(await save('overlayStyle')).toBe('Saved');
    for (const page of [panel, ...overlays]) await page.context().close();
    expectNoConsoleErrors(...consoles);

    await relay.stop();
    for (const file of ['moderation.json', 'queue-policy.json', 'voice.json', 'voices.json', 'overlay-style.json']) expect(existsSync(join(dataDir, file)), file).toBe(true);
    relay = await startHarness({}, undefined, dataDir);
    const reopened = await openPanel(browser, relay);
    panel = reopened.page;
    consoles.push(reopened.console);
    await showTab(panel, 'settings');
    await expect.poll(() => panel.inputValue('[name="length.maxChars"]')).toBe('150');
    expect(await field('moderation', 'bannedWords.words').inputValue()).toBe('spoiler\nleak');
    expect(await field('moderation', 'bannedWords.action').inputValue()).toBe('bleep');
    expect(await field('queuePolicy', 'ttlMsByClass.viewer').inputValue()).toBe('60000');
    expect(await field('queuePolicy', 'sourceLimits').inputValue()).toBe('twitch = 20, reject');
    expect(await field('voices', 'chatCommand.aliases').inputValue()).toBe('robo = narrator');
    expect(await field('voice', 'rate').inputValue()).toBe('1.5');
    expect(await field('voice', 'volumePercent').inputValue()).toBe('80');
    expect(await field('overlayStyle', 'size').inputValue()).toBe('64');
    expect(await field('overlayStyle', 'color').inputValue()).toBe('#ff0000');
    expect(await field('overlayStyle', 'position').inputValue()).toBe('top');
    await saveScreenshot(panel, 'panel-settings-after-restart');
    expectNoConsoleErrors(...consoles);
  });
});
