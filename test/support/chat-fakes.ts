/**
 * Fake Twitch IRC and Bilibili danmaku servers wired into a relay's settings, for tests that
 * drive chat through the real relay: `startChatFakes()` → `startHarness(fakes.settings)` →
 * `await fakes.connected()` (the relay's sources joined / authenticated) → `fakes.twitch.send(...)`.
 */
import type { Config } from '../../server/src/config.ts';
import { startFakeBilibiliLive, type FakeBilibiliLive } from '../fakes/bilibili/fake-bilibili-live.ts';
import { startFakeTwitchIrc, type FakeTwitchIrc } from '../fakes/twitch/fake-twitch-irc.ts';

export const TEST_TWITCH_CHANNEL = 'cosychan';
export const TEST_BILIBILI_ROOM_ID = 7_734_200;

export interface ChatFakes {
  twitch: FakeTwitchIrc;
  bilibili?: FakeBilibiliLive;
  /** TWITCH_* / BILIBILI_* settings pointing the relay at the fakes. */
  settings: Partial<Record<keyof Config, string>>;
  /** Resolves once the relay's Twitch source joined the channel and its Bilibili source authenticated. */
  connected(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startChatFakes(options: { bilibili?: boolean } = {}): Promise<ChatFakes> {
  const twitch = await startFakeTwitchIrc();
  const bilibili = options.bilibili ? await startFakeBilibiliLive() : undefined;
  const settings: Partial<Record<keyof Config, string>> = {
    TWITCH_CHANNEL: TEST_TWITCH_CHANNEL,
    TWITCH_IRC_URL: twitch.url,
    ...(bilibili ? { BILIBILI_ROOM_ID: String(TEST_BILIBILI_ROOM_ID), BILIBILI_URL: bilibili.url } : {}),
  };
  return {
    twitch,
    bilibili,
    settings,
    async connected(timeoutMs = 10_000) {
      await twitch.waitForLine((l) => l === `JOIN #${TEST_TWITCH_CHANNEL}`, 0, timeoutMs);
      if (bilibili) await until(() => bilibili.authBodies.length > 0, timeoutMs, 'the relay never authenticated to the fake Bilibili server');
      // The JOIN answer (and the auth reply) must reach the client before anything we send.
      await new Promise((r) => setTimeout(r, 50));
    },
    async close() {
      await twitch.close();
      await bilibili?.close();
    },
  };
}

/** Polls `check` every few ms until it holds (bounded). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition not met in time'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(what);
    await new Promise((r) => setTimeout(r, 10));
  }
}
