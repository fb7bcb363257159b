/**
 * Issue 5, moderation actions from chat through the relay into a real overlay (Debian
 * Chromium, the page from relay.gateway.overlayUrl): a CLEARCHAT (ban) for a user whose
 * long readout is playing silences the page at once and drops that user's other readouts
 * with reason 'banned'; a CLEARMSG drops exactly the deleted message's readout.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { clearChatLine, clearMsgLine, privmsgLine } from '../fakes/twitch/fake-twitch-irc.ts';
import { expectNoConsoleErrors, launchChromium, openPage, saveScreenshot, type ConsoleLog } from '../e2e/browser.ts';
import { startChatFakes, TEST_TWITCH_CHANNEL as CHAN, until, type ChatFakes } from '../support/chat-fakes.ts';
import { readoutOfMessage } from '../support/relay-queries.ts';
import { startHarness, type Harness } from '../support/relay-harness.ts';

let fakes: ChatFakes;
let relay: Harness;
let browser: Browser;
let page: Page;
let consoleLog: ConsoleLog;

const stats = (): Promise<OverlayStats> => page.evaluate(() => window.__overlayStats as OverlayStats);

const stateOfMessage = (messageId: string) => readoutOfMessage(relay, messageId);

const LONG =
  'this readout is long on purpose so that it is still playing in the overlay when a moderator bans me from the channel';

beforeAll(async () => {
  fakes = await startChatFakes();
  relay = await startHarness({ ...fakes.settings });
  // One chatter sends several readouts in a row here: the per-user cooldown would drop them.
  relay.moderation.replace({ cooldownMs: 0 });
  browser = await launchChromium();
  ({ page, console: consoleLog } = await openPage(browser, `${relay.gateway.overlayUrl}&debug=1`));
  await page.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 10_000 });
  await fakes.connected();
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await fakes?.close();
});

describe('chat moderation actions in a real overlay', () => {
  const banned = { login: 'banneduser', displayName: 'BannedUser', userId: '6660' };
  const other = { login: 'goodviewer', displayName: 'GoodViewer', userId: '7770' };

  it('a ban mid-readout silences the overlay at once and drops the user\'s other readouts as banned', async () => {
    fakes.twitch.send(privmsgLine(CHAN, banned, `!tts ${LONG} x1`, { id: 'x1' }));
    await expect.poll(async () => (await stateOfMessage('x1'))?.state, { timeout: 15_000, interval: 20 }).toBe('playing');
    await page.waitForFunction(() => (window.__overlayStats?.liveSources ?? 0) > 0, undefined, { timeout: 5_000 });

    // A second readout of theirs is prefetched (in flight), a third waits behind a pause,
    // next to another viewer's readout that must survive the ban.
    fakes.twitch.send(privmsgLine(CHAN, banned, '!tts my second message x2', { id: 'x2' }));
    await expect.poll(async () => (await stateOfMessage('x2'))?.state, { timeout: 10_000, interval: 20 }).toBe('synthesizing');
    expect((await relay.post('/api/queue/pause', {})).status).toBe(200);
    fakes.twitch.send(
      privmsgLine(CHAN, banned, '!tts my third message x3', { id: 'x3' }),
      privmsgLine(CHAN, other, '!tts a friendly message y1', { id: 'y1' }),
    );
    await expect.poll(async () => (await stateOfMessage('x3'))?.state, { timeout: 5_000, interval: 20 }).toBe('queued');
    await expect.poll(async () => (await stateOfMessage('y1'))?.state, { timeout: 5_000, interval: 20 }).toBe('queued');
    expect((await stateOfMessage('x1'))?.state).toBe('playing'); // still talking when the ban comes
    await saveScreenshot(page, 'sources-ban-before');

    const before = await stats();
    expect(before.liveSources).toBeGreaterThan(0);
    const bannedAt = performance.now();
    fakes.twitch.send(clearChatLine(CHAN, { login: banned.login, userId: banned.userId }));
    await page.waitForFunction(
      (cancelled) => window.__overlayStats!.cancelledUtterances > cancelled && window.__overlayStats!.liveSources === 0,
      before.cancelledUtterances,
      { polling: 'raf', timeout: 2_000 },
    );
    const silencedMs = performance.now() - bannedAt;
    const after = await stats();
    expect(after.cancelledUtterances).toBeGreaterThan(before.cancelledUtterances);
    expect(after.currentId).toBeNull();

    for (const id of ['x1', 'x2', 'x3']) {
      await expect.poll(async () => stateOfMessage(id), { timeout: 2_000, interval: 20 }).toMatchObject({ state: 'dropped', reason: 'banned' });
    }
    expect((await stateOfMessage('y1'))?.state).toBe('queued');
    // Silence stays: nothing of theirs comes back while the queue is paused.
    await new Promise((r) => setTimeout(r, 300));
    expect((await stats()).liveSources).toBe(0);
    console.info(`ban figures ${JSON.stringify({ silencedMs: Math.round(silencedMs), cancelled: after.cancelledUtterances - before.cancelledUtterances })}`);
  });

  it('CLEARMSG drops exactly the deleted message\'s readout', async () => {
    const chatter = { login: 'chattyuser', displayName: 'ChattyUser', userId: '8880' };
    fakes.twitch.send(
      privmsgLine(CHAN, chatter, '!tts keep this one z1', { id: 'z1' }),
      privmsgLine(CHAN, chatter, '!tts delete this one z2', { id: 'z2' }),
    );
    await expect.poll(async () => (await stateOfMessage('z2'))?.state, { timeout: 5_000, interval: 20 }).toBe('queued');
    fakes.twitch.send(clearMsgLine(CHAN, chatter.login, 'z2', '!tts delete this one z2'));
    await expect.poll(async () => stateOfMessage('z2'), { timeout: 2_000, interval: 20 }).toMatchObject({ state: 'dropped', reason: 'deleted' });
    expect((await stateOfMessage('z1'))?.state).toBe('queued');

    // Resume: the survivors play to the end in the page, the dropped ones never do.
    expect((await relay.post('/api/queue/resume', {})).status).toBe(200);
    for (const id of ['y1', 'z1']) {
      await expect.poll(async () => (await stateOfMessage(id))?.state, { timeout: 20_000, interval: 50 }).toBe('played');
    }
    for (const [id, reason] of [['x1', 'banned'], ['x2', 'banned'], ['x3', 'banned'], ['z2', 'deleted']] as const) {
      expect(await stateOfMessage(id)).toMatchObject({ state: 'dropped', reason });
    }
    await until(async () => (await stats()).acks.end >= 2, 5_000, 'the page did not ack the survivors');
  });

  it('logged no console errors', () => {
    expectNoConsoleErrors(consoleLog);
  });
});
