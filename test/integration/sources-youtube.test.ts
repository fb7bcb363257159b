/**
 * Issue 15, YouTube live chat through the relay into a real overlay (Debian Chromium) and the
 * panel, against the fake Data API: a paid Super Chat is read (a small one is not), a deleted
 * message stops its readout at once, a ban drops the viewer's playing and waiting readouts
 * and spares the others, a server error mid-stream neither loses nor repeats a message, and
 * the panel's Health tab shows the source, its quota figures and the quota notice.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot, type ConsoleLog } from '../e2e/browser.ts';
import { openPanel, showTab } from '../e2e/panel/panel-kit.ts';
import { startFakeYouTubeApi, type FakeYouTubeApi } from '../fakes/youtube/fake-youtube-api.ts';
import { liveChat } from '../fakes/youtube/live-chat-messages.ts';
import { until } from '../support/chat-fakes.ts';
import { historyEntries, queueItems, readoutOfMessage } from '../support/relay-queries.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';

const KEY = 'AIza-e2e-key';
const VIDEO = 'e2eVideo001';
const CHAT = 'e2e-live-chat';
const chat = liveChat(CHAT);
const banned = { channelId: 'UCbanned', displayName: 'Banned Viewer' };
const other = { channelId: 'UCgood', displayName: 'Good Viewer' };
const fan = { channelId: 'UCfan', displayName: 'Big Fan' };
const mod = { channelId: 'UCmod', displayName: 'Moderator', isChatModerator: true };
const LONG = 'this readout is long on purpose so that it is still playing in the overlay when a moderator acts on it in the chat';

let fake: FakeYouTubeApi;
let relay: Harness;
let browser: Browser;
let page: Page;
let consoleLog: ConsoleLog;

const stats = (): Promise<OverlayStats> => page.evaluate(() => window.__overlayStats as OverlayStats);

/** Queue item or history entry of a chat message (texts end in the message id). */
const stateOf = (messageId: string) => readoutOfMessage(relay, messageId);

async function silencedBy(act: () => void): Promise<number> {
  const before = await stats();
  expect(before.liveSources).toBeGreaterThan(0);
  const at = performance.now();
  act();
  await page.waitForFunction(
    (cancelled) => window.__overlayStats!.cancelledUtterances > cancelled && window.__overlayStats!.liveSources === 0,
    before.cancelledUtterances,
    { polling: 'raf', timeout: 3_000 },
  );
  return performance.now() - at;
}

beforeAll(async () => {
  fake = await startFakeYouTubeApi({ apiKey: KEY, pollingIntervalMillis: 50 });
  fake.goLive(VIDEO, 'UCstreamer', CHAT);
  relay = await startHarness({
    YOUTUBE_VIDEO_ID: VIDEO,
    YOUTUBE_API_KEY: KEY,
    YOUTUBE_API_URL: fake.url,
    YOUTUBE_STREAM_HOURS: '0.005',
    YOUTUBE_MIN_SUPERCHAT: '2',
  });
  relay.moderation.replace({ cooldownMs: 0 });
  browser = await launchChromium();
  ({ page, console: consoleLog } = await openPage(browser, `${relay.gateway.overlayUrl}&debug=1`));
  await page.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
  await until(() => fake.calls.filter((c) => c.endpoint === 'messages' && c.status === 200).length >= 2, 10_000, 'the relay never polled the chat');
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await fake?.close();
});

describe('YouTube live chat in a real overlay', () => {
  it('reads a Super Chat over the threshold as paid, not one under it; deleting it mid-readout silences the overlay', async () => {
    fake.post(
      CHAT,
      chat.superChat('small1', fan, 100_000_000, 'JPY', '¥100', 'a small super chat small1'),
      chat.superChat('paid1', fan, 5_000_000, 'USD', '$5.00', `${LONG} paid1`),
    );
    await expect.poll(async () => (await stateOf('paid1'))?.state, { timeout: 15_000, interval: 20 }).toBe('playing');
    expect(await stateOf('paid1')).toMatchObject({ paid: true });
    expect(await stateOf('small1')).toBeUndefined();
    await page.waitForFunction(() => (window.__overlayStats?.liveSources ?? 0) > 0, undefined, { timeout: 5_000 });
    const silencedMs = await silencedBy(() => fake.post(CHAT, chat.messageDeleted('del1', mod, 'paid1')));
    await expect.poll(async () => stateOf('paid1'), { timeout: 2_000, interval: 20 }).toMatchObject({ state: 'dropped', reason: 'deleted' });
    console.info(`youtube deletion figures ${JSON.stringify({ silencedMs: Math.round(silencedMs) })}`);
  });

  it("a ban drops the viewer's playing and waiting readouts and spares another viewer's", async () => {
    fake.post(CHAT, chat.text('b1', banned, `!tts ${LONG} b1`));
    await expect.poll(async () => (await stateOf('b1'))?.state, { timeout: 15_000, interval: 20 }).toBe('playing');
    await page.waitForFunction(() => (window.__overlayStats?.liveSources ?? 0) > 0, undefined, { timeout: 5_000 });
    expect((await relay.post('/api/queue/pause', {})).status).toBe(200);
    fake.post(CHAT, chat.text('b2', banned, '!tts my second message b2'), chat.text('g1', other, '!tts a friendly message g1'));
    await expect.poll(async () => (await stateOf('g1'))?.state, { timeout: 5_000, interval: 20 }).toBe('queued');
    await expect.poll(async () => (await stateOf('b2'))?.state, { timeout: 5_000, interval: 20 }).toMatch(/queued|synthesizing/);
    await saveScreenshot(page, 'sources-youtube-before-ban');
    await silencedBy(() => fake.post(CHAT, chat.userBanned('ban1', mod, banned, 'permanent')));
    for (const id of ['b1', 'b2']) {
      await expect.poll(async () => stateOf(id), { timeout: 2_000, interval: 20 }).toMatchObject({ state: 'dropped', reason: 'banned' });
    }
    expect((await stateOf('g1'))?.state).toBe('queued');
    expect((await relay.post('/api/queue/resume', {})).status).toBe(200);
    await expect.poll(async () => (await stateOf('g1'))?.state, { timeout: 20_000, interval: 50 }).toBe('played');
  });

  it('a server error mid-stream neither loses nor repeats a message', async () => {
    fake.failNext('backendError', 2, 'messages');
    fake.post(CHAT, chat.text('r1', other, '!tts posted while the API failed r1'));
    await expect.poll(async () => (await stateOf('r1'))?.state, { timeout: 15_000, interval: 50 }).toBe('played');
    await new Promise((r) => setTimeout(r, 300));
    const items = [...(await historyEntries(relay)).filter((e) => e.messageId === 'r1'), ...(await queueItems(relay)).filter((i) => i.text.endsWith('r1') && i.state !== 'played')];
    expect(items).toHaveLength(1);
  });

  it('the panel shows the source, its quota spent and how long it lasts, and the quota notice', async () => {
    const { page: panel, console: panelLog } = await openPanel(browser, relay);
    await showTab(panel, 'health');
    const row = panel.locator('.source-status[data-source="youtube"]');
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-connected'), { timeout: 5_000 }).toBe('true');
    const quota = row.locator('[data-quota-used]');
    expect(Number(await quota.getAttribute('data-quota-used'))).toBeGreaterThan(0);
    expect(await quota.textContent()).toMatch(/\/ 10000 · lasts \d+ (h|min)/u);
    fake.failNext('quotaExceeded', 1, 'messages');
    await row.locator('[data-notice="quota-exceeded"]').waitFor({ timeout: 5_000 });
    expect(await row.getAttribute('data-connected')).toBe('false');
    expect(await row.locator('.bad.block').textContent()).toContain('quotaExceeded');
    await saveScreenshot(panel, 'sources-youtube-panel-quota');
    expectNoConsoleErrors(panelLog);
    await panel.context().close();
  });

  it('logged no console errors', () => {
    expectNoConsoleErrors(consoleLog);
  });
});
