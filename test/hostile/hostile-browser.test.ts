/**
 * Issue 7 in real Chromium: captions, user names and live ASR lines carrying HTML/script are
 * shown as text in the overlay and in the panel's queue — no script runs (window.__pwned
 * stays undefined), no element is created from data, the CSP reports no violation, and the
 * pages log no errors.
 */
import type { Browser, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { relayClientOptions } from '../support/relay-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type Harness } from '../support/relay-harness.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot } from '../e2e/browser.ts';

const HOSTILE: { text: string; user: string }[] = [
  { text: '<img src=x onerror="window.__pwned=1"> one', user: '<script>window.__pwned=2</script>' },
  { text: '<script>window.__pwned=3</script> two', user: '<img src=x onerror=window.__pwned=4>' },
  { text: '<svg onload="window.__pwned=5"></svg> three', user: '"><iframe src="javascript:window.__pwned=6">' },
  { text: '<b>bold</b> &lt;b&gt; &amp; <a href="javascript:window.__pwned=7">four</a>', user: '<style>*{display:none}</style>' },
];
const ASR_LINE = '<img src=x onerror="window.__pwned=8"> live line';
const PANEL_TEXT = '<iframe srcdoc="<script>parent.__pwned=9</script>"></iframe> five';

/** Tags that must never appear in the page because of data. */
const DANGEROUS = ['IMG', 'SCRIPT', 'IFRAME', 'SVG', 'STYLE', 'A', 'OBJECT', 'EMBED', 'MATH', 'TEMPLATE', 'LINK', 'META', 'B'];

/** Runs in the page before its scripts: records elements added to the DOM and CSP violations. */
function watchPage(): void {
  const w = window as unknown as { __added: string[]; __violations: string[] };
  w.__added = [];
  w.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  // From the end of parsing on: what the page's own markup holds is not data.
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (!(node instanceof Element)) continue;
          w.__added.push(node.tagName);
          for (const inner of node.querySelectorAll('*')) w.__added.push(inner.tagName);
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

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

async function pageState(page: Page): Promise<{ pwned: unknown; added: string[]; violations: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __pwned?: unknown; __added: string[]; __violations: string[] };
    return { pwned: w.__pwned, added: w.__added, violations: w.__violations };
  });
}

describe('hostile text in Chromium', () => {
  it('overlay and panel show captions, user names and ASR lines with markup as text, and run none of it', async () => {
    // The panel first: with no overlay connected the readouts wait in its queue list.
    const panelCtx = await browser.newContext();
    await panelCtx.addInitScript(watchPage);
    const panel = await panelCtx.newPage();
    const panelErrors: string[] = [];
    panel.on('pageerror', (e) => panelErrors.push(e.message));
    panel.on('console', (m) => m.type() === 'error' && panelErrors.push(m.text()));
    await panel.goto(`${relay.url}/panel#token=${encodeURIComponent(relay.secrets.token)}`);
    expect(new URL(panel.url()).hash).not.toContain(relay.secrets.token);
    const MEDIA = 'img, iframe, svg, object, embed, math';
    const panelMediaBefore = await panel.locator(MEDIA).count();

    const ids: string[] = [];
    for (const { text, user } of HOSTILE) {
      const res = await relay.post('/api/captions', { text, user });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const sender = io(`${relay.url}/panel`, { ...relayClientOptions({ token: relay.secrets.token }), transports: ['websocket'], forceNew: true, reconnection: false });
    const sent = (await sender.timeout(5_000).emitWithAck('caption:send', { text: PANEL_TEXT })) as { ok: boolean; id: string };
    sender.disconnect();
    expect(sent.ok).toBe(true);

    for (const [i, id] of ids.entries()) {
      const row = panel.locator(`li[data-id="${id}"]`);
      await row.waitFor({ timeout: 10_000 });
      expect(await row.locator('.text').textContent()).toBe(HOSTILE[i]!.text);
      expect(await row.locator('.user').textContent()).toBe(HOSTILE[i]!.user);
    }
    await panel.locator(`li[data-id="${sent.id}"] .text`).waitFor();
    expect(await panel.locator(`li[data-id="${sent.id}"] .text`).textContent()).toBe(PANEL_TEXT);

    // Now the overlay (user names shown): it plays them all and shows each one as text.
    const { page: overlay, console: overlayLog, context: overlayCtx } = await openPage(browser, 'about:blank');
    await overlayCtx.addInitScript(watchPage);
    await overlay.addInitScript(() => {
      const w = window as unknown as { __shown: { id: string; user: string; line: string }[] };
      w.__shown = [];
      const record = () => {
        const box = document.getElementById('caption');
        if (!box || box.hidden || !box.dataset.id) return;
        w.__shown.push({ id: box.dataset.id, user: document.getElementById('caption-user')?.textContent ?? '', line: document.getElementById('caption-line')?.textContent ?? '' });
      };
      document.addEventListener('DOMContentLoaded', () => {
        new MutationObserver(record).observe(document.getElementById('stage')!, { childList: true, subtree: true, characterData: true, attributes: true });
      });
    });
    await overlay.goto(`${relay.gateway.overlayUrl}&showUser=1`);
    await overlay.waitForFunction(() => (window as unknown as { __overlayStats?: { connected?: boolean } }).__overlayStats?.connected === true);

    const asr = new WebSocket(`${relay.url.replace('http', 'ws')}/ingest/asr?token=${relay.secrets.token}`);
    await new Promise((resolve) => asr.once('open', resolve));
    asr.send(JSON.stringify({ text: ASR_LINE, final: false }));
    await overlay.waitForFunction((line) => document.getElementById('live-line')?.textContent === line, ASR_LINE, { timeout: 10_000 });
    asr.close();

    await expect
      .poll(async () => {
        const { items } = (await (await relay.get('/api/queue')).json()) as { items: { id: string; state: string }[] };
        return [...ids, sent.id].every((id) => items.find((i) => i.id === id)?.state === 'played');
      }, { timeout: 90_000, interval: 250 })
      .toBe(true);
    const shown = await overlay.evaluate(() => (window as unknown as { __shown: { id: string; user: string; line: string }[] }).__shown);
    for (const [i, id] of ids.entries()) {
      const mine = shown.filter((s) => s.id === id);
      expect(mine.length, id).toBeGreaterThan(0);
      expect(mine.map((s) => s.user), id).toContain(`${HOSTILE[i]!.user}: `);
      const words = mine.map((s) => s.line).join(' ');
      expect(words, id).toMatch(/</);
    }
    await saveScreenshot(overlay, 'hostile-overlay');
    await saveScreenshot(panel, 'hostile-panel');

    for (const [name, page] of [['overlay', overlay], ['panel', panel]] as const) {
      const state = await pageState(page);
      expect(state.pwned, name).toBeUndefined();
      expect(state.violations, name).toEqual([]);
      expect(state.added.filter((tag) => DANGEROUS.includes(tag)), name).toEqual([]);
      expect(await page.locator(MEDIA).count(), name).toBe(page === panel ? panelMediaBefore : 0);
    }
    expectNoConsoleErrors(overlayLog);
    expect(panelErrors).toEqual([]);
    await panelCtx.close();
  }, 150_000);
});
