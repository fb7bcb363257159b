/** The minimal panel in real Chromium against a real relay: login, live queue, send, skip. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { launchChromium, openPage, saveScreenshot } from './browser.ts';

let relay: Harness;
let browser: Browser;

beforeAll(async () => {
  relay = await startHarness();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

describe('panel', () => {
  it('refuses a wrong token, then logs in, shows readouts live, sends one and skips one', async () => {
    const { page, console: log } = await openPage(browser, `${relay.url}/panel`);
    await page.fill('#token', 'wrong-token-wrong-token');
    await page.click('#login button[type=submit]');
    await expect.poll(() => page.isVisible('#error')).toBe(true);
    expect(await page.isVisible('#app')).toBe(false);

    await page.fill('#token', relay.secrets.token);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');

    // No overlay is connected, so readouts wait in the queue where the panel shows them.
    const res = await relay.post('/api/captions', { text: '<script>window.__pwned=1</script> hello from the API', user: 'viewer42' });
    const { id } = (await res.json()) as { id: string };
    const row = page.locator(`li[data-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('.text').textContent()).toContain('<script>');
    expect(await row.locator('.state').getAttribute('data-state')).toBe('queued');

    await page.fill('#text', '来自面板的消息');
    await page.click('#send-button');
    await expect
      .poll(async () => {
        const { items } = (await (await relay.get('/api/queue')).json()) as { items: { text: string; source: string }[] };
        return items.find((i) => i.text === '来自面板的消息')?.source;
      })
      .toBe('panel');

    await row.locator('.skip').click();
    await expect.poll(() => row.locator('.state').getAttribute('data-state')).toBe('skipped');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await saveScreenshot(page, 'panel-minimal');
    // The refused login logs a 401-style socket error; nothing else may go wrong.
    expect(log.errors.filter((e) => !/unauthorized/i.test(e))).toEqual([]);
  });
});
