/**
 * Issue 15, Twitch EventSub through the real relay into a real overlay (Debian Chromium):
 * a channel-point redemption that arrives on both IRC and EventSub plays once (EventSub's);
 * an EventSub channel.ban silences it mid-readout and drops the chatter's readouts as
 * banned; channel.chat.message_delete drops an IRC chat readout; a cheer seen on both paths
 * is read once; the panel's health shows the EventSub source connected, with the notice for
 * the subscription the token's scopes did not allow (follows without moderator:read:followers).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { CHEER, BAN, MESSAGE_DELETE, REDEMPTION_ADD } from '../fakes/twitch/eventsub-payloads.ts';
import { ALL_SCOPES, startFakeTwitchEventSub, type FakeTwitchEventSub } from '../fakes/twitch/fake-twitch-eventsub.ts';
import { privmsgLine } from '../fakes/twitch/fake-twitch-irc.ts';
import { expectNoConsoleErrors, launchChromium, openPage, type ConsoleLog } from '../e2e/browser.ts';
import { openPanel, showTab } from '../e2e/panel/panel-kit.ts';
import { startChatFakes, TEST_TWITCH_CHANNEL as CHAN, until, type ChatFakes } from '../support/chat-fakes.ts';
import { historyEntries, queueItems } from '../support/relay-queries.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';

let fakes: ChatFakes;
let eventSub: FakeTwitchEventSub;
let relay: Harness;
let browser: Browser;
let page: Page;
let consoleLog: ConsoleLog;

const REWARD = 'reward-tts';
const stats = (): Promise<OverlayStats> => page.evaluate(() => window.__overlayStats as OverlayStats);

/** Readouts (queue items and history rows, by id) whose text ends with `tag`. */
async function readoutsEndingWith(tag: string): Promise<{ id: string; state: string; reason?: string }[]> {
  const byId = new Map<string, { id: string; state: string; reason?: string }>();
  for (const item of await queueItems(relay)) if (item.text.endsWith(tag)) byId.set(item.id, item);
  for (const entry of await historyEntries(relay)) if (entry.text.endsWith(tag)) byId.set(entry.id, entry);
  return [...byId.values()];
}
const stateOf = async (tag: string) => (await readoutsEndingWith(tag))[0];

beforeAll(async () => {
  fakes = await startChatFakes();
  eventSub = await startFakeTwitchEventSub({ login: CHAN, scopes: ALL_SCOPES.filter((s) => s !== 'moderator:read:followers') });
  relay = await startHarness({
    ...fakes.settings,
    TWITCH_USERNAME: CHAN,
    TWITCH_OAUTH_TOKEN: 'oauth:eventsub-test-token',
    TWITCH_CLIENT_ID: 'fakeclientid',
    TWITCH_EVENTSUB_URL: eventSub.url,
    TWITCH_HELIX_URL: eventSub.helixUrl,
    TWITCH_ID_URL: eventSub.idUrl,
    TWITCH_REWARD_IDS: REWARD,
    TWITCH_READ_FOLLOWS: 'true',
  });
  relay.moderation.replace({ cooldownMs: 0 });
  browser = await launchChromium();
  ({ page, console: consoleLog } = await openPage(browser, `${relay.gateway.overlayUrl}&debug=1`));
  await page.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
  await fakes.connected();
  await until(() => eventSub.subscriptions.length >= 7, 10_000, `the relay did not subscribe over EventSub: ${JSON.stringify(eventSub.requests)}`);
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await eventSub?.close();
  await fakes?.close();
});

describe('Twitch EventSub in a real overlay', () => {
  const chatter = { login: 'rewarder', displayName: 'Rewarder', userId: '6660' };
  const LONG = 'a channel point redemption that is long on purpose so that it still plays when a moderator bans its author';

  it('a redemption seen on IRC and EventSub plays once; an EventSub ban silences it and drops it as banned', async () => {
    const text = `${LONG} r1`;
    fakes.twitch.send(privmsgLine(CHAN, chatter, text, { id: 'irc-r1', 'custom-reward-id': REWARD }));
    eventSub.notify('channel.channel_points_custom_reward_redemption.add', {
      ...REDEMPTION_ADD,
      id: 'redemption-r1',
      user_id: chatter.userId,
      user_login: chatter.login,
      user_name: chatter.displayName,
      user_input: text,
      reward: { ...REDEMPTION_ADD.reward, id: REWARD },
    });
    await expect.poll(async () => (await stateOf(' r1'))?.state, { timeout: 15_000, interval: 20 }).toBe('playing');
    await page.waitForFunction(() => (window.__overlayStats?.liveSources ?? 0) > 0, undefined, { timeout: 5_000 });
    expect(await readoutsEndingWith(' r1')).toHaveLength(1);

    const before = await stats();
    eventSub.notify('channel.ban', { ...BAN, user_id: chatter.userId, user_login: chatter.login, user_name: chatter.displayName });
    await page.waitForFunction(
      (cancelled) => window.__overlayStats!.cancelledUtterances > cancelled && window.__overlayStats!.liveSources === 0,
      before.cancelledUtterances,
      { polling: 'raf', timeout: 2_000 },
    );
    await expect.poll(async () => stateOf(' r1'), { timeout: 2_000, interval: 20 }).toMatchObject({ state: 'dropped', reason: 'banned' });
  });

  it('an EventSub message_delete drops an IRC chat readout; a cheer on both paths is read once', async () => {
    expect((await relay.post('/api/queue/pause', {})).status).toBe(200);
    const viewer = { login: 'viewer9', displayName: 'Viewer9', userId: '9990' };
    fakes.twitch.send(privmsgLine(CHAN, viewer, '!tts please delete me d1', { id: 'chat-d1' }));
    await expect.poll(async () => (await stateOf(' d1'))?.state, { timeout: 5_000, interval: 20 }).toBe('queued');
    eventSub.notify('channel.chat.message_delete', { ...MESSAGE_DELETE, target_user_id: viewer.userId, message_id: 'chat-d1' });
    await expect.poll(async () => stateOf(' d1'), { timeout: 2_000, interval: 20 }).toMatchObject({ state: 'dropped', reason: 'deleted' });

    // (a tag like "c1" would be read as a cheermote and removed)
    fakes.twitch.send(privmsgLine(CHAN, viewer, 'Cheer100 thanks for the stream, cheerio', { bits: 100, id: 'chat-c1' }));
    eventSub.notify('channel.cheer', { ...CHEER, user_id: viewer.userId, user_login: viewer.login, user_name: viewer.displayName, bits: 100, message: 'Cheer100 thanks for the stream, cheerio' });
    await expect.poll(async () => (await stateOf(' cheerio'))?.state, { timeout: 5_000, interval: 20 }).toBe('queued');
    await new Promise((r) => setTimeout(r, 300));
    expect(await readoutsEndingWith(' cheerio')).toHaveLength(1);
    expect((await relay.post('/api/queue/resume', {})).status).toBe(200);
    await expect.poll(async () => (await stateOf(' cheerio'))?.state, { timeout: 20_000, interval: 50 }).toBe('played');
    await until(async () => (await stats()).acks.end >= 1, 5_000, 'the page did not ack the cheer');
  });

  it("the panel shows the EventSub source connected, with the refused subscription's notice", async () => {
    const { page: panel, console: panelLog } = await openPanel(browser, relay);
    await showTab(panel, 'health');
    const row = panel.locator('.source-status[data-source="twitch-eventsub"]');
    await row.waitFor();
    expect(await row.getAttribute('data-connected')).toBe('true');
    expect(await row.locator('[data-notice="eventsub-scope-missing"]').count()).toBe(1);
    expect(await row.textContent()).toMatch(/channel\.follow refused \(needs moderator:read:followers\)/u);
    expectNoConsoleErrors(panelLog);
    await panel.context().close();
  });

  it('logged no console errors', () => {
    expectNoConsoleErrors(consoleLog);
  });
});
