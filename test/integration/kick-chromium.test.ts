/**
 * Issue 15, Kick end to end: a fake Kick (Pusher WebSocket + channel endpoint, test/fakes/kick)
 * → the relay's Kick source → moderation, queue, voice → a real overlay in Debian Chromium,
 * and the panel's Health tab. The lookup is first refused by "Cloudflare" (the panel words the
 * fix), then answered; a `!tts` message plays; a ban mid-readout silences the page at once and
 * drops the viewer's other readouts; a deletion drops exactly its readout; KICKs are read as
 * paid; a message redelivered after a reconnect is read once; unreadable frames are counted
 * on the Health tab.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { startFakeKick, type FakeKick } from '../fakes/kick/fake-kick.ts';
import { banData, chatData, deletedData, EVENTS, REAL_DATA } from '../fakes/kick/kick-payloads.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot, type ConsoleLog } from '../e2e/browser.ts';
import { openPanel, showTab } from '../e2e/panel/panel-kit.ts';
import { until } from '../support/chat-fakes.ts';
import { historyEntries, metricSum, metricsText, queueItems, readoutOfMessage } from '../support/relay-queries.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';

const CHATROOM_ID = 870_983;
const CHATROOM = `chatrooms.${CHATROOM_ID}.v2`;
const CHANNEL = 'channel_875396';

let kick: FakeKick;
let relay: Harness;
let browser: Browser;
let overlay: Page;
let panel: Page;
const logs: ConsoleLog[] = [];

const stats = (): Promise<OverlayStats> => overlay.evaluate(() => window.__overlayStats as OverlayStats);

/** The queue item or history entry of a Kick message (every text here ends in its id). */
const stateOf = (messageId: string) => readoutOfMessage(relay, messageId);

const say = (chatter: { id: number; username: string; badges?: string[] }, text: string, id: string): void =>
  kick.sendEvent(CHATROOM, EVENTS.chat, chatData(CHATROOM_ID, chatter, text, id));

const LONG = 'this readout is long on purpose so that it is still playing in the overlay when a Kick moderator bans me from the chat';

beforeAll(async () => {
  kick = await startFakeKick({ cloudflare: true });
  relay = await startHarness({ KICK_CHANNEL: 'cosykick', KICK_API_URL: kick.apiUrl, KICK_PUSHER_URL: kick.url });
  relay.moderation.replace({ cooldownMs: 0 });
  browser = await launchChromium();
  let console: ConsoleLog;
  ({ page: overlay, console } = await openPage(browser, `${relay.gateway.overlayUrl}&debug=1`));
  logs.push(console);
  await overlay.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
  ({ page: panel, console } = await openPanel(browser, relay));
  logs.push(console);
  await showTab(panel, 'health');
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await kick?.close();
});

describe('Kick chat through the relay into a real overlay and panel', () => {
  const kickRow = () => panel.locator('.source-status[data-source="kick"]');

  it("the Health tab says why Kick is not connected when Cloudflare refuses the lookup, then shows it connected", async () => {
    const notice = kickRow().locator('[data-notice="chatroom-lookup-refused"]');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toContain('KICK_CHATROOM_ID');
    expect(await kickRow().getAttribute('data-connected')).toBe('false');
    await saveScreenshot(panel, 'kick-health-refused');

    kick.setCloudflare(false);
    await panel.waitForSelector('.source-status[data-source="kick"][data-connected="true"]', { timeout: 15_000 });
    expect(await notice.count()).toBe(0);
    expect(kick.subscribedChannels().sort()).toEqual([CHANNEL, CHATROOM].sort());
  });

  it('a ban mid-readout silences the overlay at once and drops the viewer\'s other readouts; a deletion drops its readout', async () => {
    const banned = { id: 6660, username: 'BannedKicker' };
    const other = { id: 7770, username: 'GoodKicker', badges: ['subscriber'] };
    say(banned, `!tts ${LONG} k1`, 'k1');
    await expect.poll(async () => (await stateOf('k1'))?.state, { timeout: 15_000, interval: 20 }).toBe('playing');
    await overlay.waitForFunction(() => (window.__overlayStats?.liveSources ?? 0) > 0, undefined, { timeout: 5_000 });
    expect((await relay.post('/api/queue/pause', {})).status).toBe(200);
    say(banned, '!tts my second message k2', 'k2');
    say(other, '!tts keep this one g1', 'g1');
    say(other, '!tts delete this one g2', 'g2');
    for (const id of ['k2', 'g1', 'g2']) await expect.poll(async () => (await stateOf(id))?.state, { timeout: 5_000, interval: 20 }).toBe('queued');

    const before = await stats();
    const bannedAt = performance.now();
    kick.sendEvent(CHATROOM, EVENTS.banned, banData(banned, '2026-12-06T06:00:00+00:00'));
    await overlay.waitForFunction(
      (cancelled) => window.__overlayStats!.cancelledUtterances > cancelled && window.__overlayStats!.liveSources === 0,
      before.cancelledUtterances,
      { polling: 'raf', timeout: 2_000 },
    );
    const silencedMs = performance.now() - bannedAt;
    for (const id of ['k1', 'k2']) {
      await expect.poll(async () => stateOf(id), { timeout: 2_000, interval: 20 }).toMatchObject({ state: 'dropped', reason: 'banned' });
    }
    kick.sendEvent(CHATROOM, EVENTS.deleted, deletedData('g2'));
    await expect.poll(async () => stateOf('g2'), { timeout: 2_000, interval: 20 }).toMatchObject({ state: 'dropped', reason: 'deleted' });
    expect((await stateOf('g1'))?.state).toBe('queued');

    expect((await relay.post('/api/queue/resume', {})).status).toBe(200);
    await expect.poll(async () => (await stateOf('g1'))?.state, { timeout: 20_000, interval: 50 }).toBe('played');
    console.info(`kick ban figures ${JSON.stringify({ silencedMs: Math.round(silencedMs) })}`);
  });

  it('reads KICKs as paid, and a message redelivered after a reconnect once', async () => {
    kick.sendEvent(CHANNEL, EVENTS.kicks, { ...REAL_DATA.kicksGifted, gift_transaction_id: 'kicks-1', message: 'thank you for the stream kicks-1' });
    await expect.poll(async () => (await stateOf('kicks-1'))?.paid, { timeout: 5_000, interval: 20 }).toBe(true);

    const viewer = { id: 8880, username: 'Rejoiner' };
    say(viewer, '!tts before the drop r1', 'r1');
    await expect.poll(async () => (await stateOf('r1'))?.state, { timeout: 5_000, interval: 20 }).toBeDefined();
    const connections = kick.connectionCount();
    kick.dropConnections();
    await until(() => kick.connectionCount() > connections && kick.subscribedChannels().includes(CHATROOM), 10_000, 'the relay did not resubscribe');
    await panel.waitForSelector('.source-status[data-source="kick"][data-connected="true"]', { timeout: 10_000 });
    say(viewer, '!tts before the drop r1', 'r1');
    say(viewer, '!tts after the drop r2', 'r2');
    await expect.poll(async () => (await stateOf('r2'))?.state, { timeout: 5_000, interval: 20 }).toBeDefined();
    const texts = [...(await queueItems(relay)).map((i) => i.text), ...(await historyEntries(relay)).map((e) => e.text)];
    expect(texts.filter((t) => t.endsWith(' r1'))).toHaveLength(1);
    // The source itself let it through once: neither the viewer rules nor the queue saw a duplicate.
    const metrics = await metricsText(relay);
    expect(metricSum(metrics, 'relay_source_dropped_total', { source: 'kick', reason: 'duplicate' })).toBe(0);
    expect(metricSum(metrics, 'relay_captions_total', { source: 'kick', result: 'duplicate' })).toBe(0);
  });

  it('counts unreadable frames on the Health tab and keeps reading', async () => {
    kick.sendRaw('{"event":"App\\\\Events\\\\ChatMessageEvent","data":');
    kick.sendRaw(JSON.stringify({ event: EVENTS.chat, data: { content: 'data must be a string' }, channel: CHATROOM }));
    await expect.poll(() => kickRow().textContent(), { timeout: 5_000 }).toContain('2 unreadable frames skipped');
    say({ id: 9990, username: 'StillHere' }, '!tts still read s1', 's1');
    await expect.poll(async () => (await stateOf('s1'))?.state, { timeout: 5_000, interval: 20 }).toBeDefined();
    expect(await kickRow().getAttribute('data-connected')).toBe('true');
    await saveScreenshot(panel, 'kick-health-connected');
  });

  it('logged no console errors', () => {
    expectNoConsoleErrors(...logs);
  });
});
