/**
 * Issue 5, triggers through the whole relay: fake Twitch IRC and fake Bilibili danmaku
 * servers → the relay's real sources → moderation → priority classes → durable queue →
 * embedded TTS → an overlay that acks like the page. What is read, with which text, and in
 * which priority class (paid = DEFAULT_QUEUE_POLICY.classes.paid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_POLICY } from '../../server/src/queue/policy.ts';
import { bilibiliCommands } from '../fakes/bilibili/fake-bilibili-live.ts';
import { privmsgLine, subNoticeLine } from '../fakes/twitch/fake-twitch-irc.ts';
import { TEST_TWITCH_CHANNEL as CHAN, type ChatFakes } from '../support/chat-fakes.ts';
import { startChatRelay, type ChatRelay } from '../support/chat-relay.ts';
import type { RecordingOverlay, StartRecord } from '../support/recording-overlay.ts';
import { historyEntries } from '../support/relay-queries.ts';
import type { Harness } from '../support/relay-harness.ts';

const PAID = DEFAULT_QUEUE_POLICY.classes.paid;
const VIEWER = DEFAULT_QUEUE_POLICY.classes.viewer;

let chat: ChatRelay | undefined;
let fakes: ChatFakes;
let relay: Harness;
let overlay: RecordingOverlay;
let n = 0;

beforeAll(async () => {
  chat = await startChatRelay({
    bilibili: true,
    settings: {
      TWITCH_READ_ALL: 'false',
      TWITCH_MIN_BITS: '100',
      TWITCH_REWARD_IDS: 'rw-tts,rw-other-tts',
      TWITCH_READ_SUBS: 'true',
      BILIBILI_MIN_GIFT_CNY: '1',
      BILIBILI_MIN_SUPERCHAT_CNY: '0',
    },
  });
  ({ fakes, relay, overlay } = chat);
});

afterAll(() => chat?.stop());

/** A fresh chatter per message: the per-user cooldown must not decide these tests. */
function chatter(): { login: string; displayName: string; userId: string } {
  n += 1;
  return { login: `chatter${n}`, displayName: `Chatter${n}`, userId: String(5_000 + n) };
}

/** The readout started for `user` (the relay speaks display names). */
function startOf(user: string): Promise<StartRecord> {
  return overlay.waitForStart((s) => s.user === user, 15_000);
}

/** Queue item / history entry of a readout, once it finished. */
async function finished(id: string) {
  await expect
    .poll(async () => (await historyEntries(relay)).find((e) => e.id === id)?.state, { timeout: 15_000, interval: 50 })
    .toBe('played');
  return (await historyEntries(relay)).find((e) => e.id === id)!;
}

/**
 * Sends `line` (which must not be read), then a `!tts` marker from another chatter: the source
 * handles lines in order and moderation is synchronous, so once the marker's readout started
 * the first line had every chance to be queued.
 */
async function expectNotRead(send: () => string): Promise<void> {
  const ignoredUser = send();
  const marker = chatter();
  fakes.twitch.send(privmsgLine(CHAN, marker, `!tts marker ${n}`));
  await startOf(marker.displayName);
  // The marker's item is in history or in the queue; nothing at all exists for the ignored user.
  const res = await relay.get('/api/queue');
  const { items } = (await res.json()) as { items: { user: string }[] };
  expect(items.some((i) => i.user === ignoredUser)).toBe(false);
  expect((await historyEntries(relay)).some((e) => e.user === ignoredUser)).toBe(false);
  expect(overlay.starts.some((s) => s.user === ignoredUser)).toBe(false);
}

describe('Twitch triggers through the relay', () => {
  it('reads "!tts hello" without the prefix, as a viewer-class readout with its message id', async () => {
    const c = chatter();
    fakes.twitch.send(privmsgLine(CHAN, c, '!tts hello', { id: 'msg-hello-1' }));
    const start = await startOf(c.displayName);
    expect(start.text).toBe('hello');
    const entry = await finished(start.id);
    expect(entry).toMatchObject({ text: 'hello', source: 'twitch', priority: VIEWER, messageId: 'msg-hello-1' });
    expect(entry.paid).toBeUndefined();
  });

  it('does not read a plain message (TWITCH_READ_ALL=false)', async () => {
    await expectNotRead(() => {
      const c = chatter();
      fakes.twitch.send(privmsgLine(CHAN, c, 'just chatting, not for tts'));
      return c.displayName;
    });
  });

  it('does not read a cheer below TWITCH_MIN_BITS without the command', async () => {
    await expectNotRead(() => {
      const c = chatter();
      fakes.twitch.send(privmsgLine(CHAN, c, 'Cheer99 almost there', { bits: 99 }));
      return c.displayName;
    });
  });

  it('reads a cheer of at least TWITCH_MIN_BITS as paid, cheermotes removed', async () => {
    const c = chatter();
    fakes.twitch.send(privmsgLine(CHAN, c, 'Cheer100 great stream today', { bits: 100 }));
    const start = await startOf(c.displayName);
    expect(start.text).toBe('great stream today');
    const entry = await finished(start.id);
    expect(entry).toMatchObject({ priority: PAID, paid: true, source: 'twitch' });
  });

  it('reads a configured channel-point reward (no prefix needed), and not an unlisted one', async () => {
    const c = chatter();
    fakes.twitch.send(privmsgLine(CHAN, c, 'read my redemption please', { 'custom-reward-id': 'rw-other-tts' }));
    const start = await startOf(c.displayName);
    expect(start.text).toBe('read my redemption please');
    expect(await finished(start.id)).toMatchObject({ priority: VIEWER, source: 'twitch' });

    await expectNotRead(() => {
      const other = chatter();
      fakes.twitch.send(privmsgLine(CHAN, other, 'some other reward text', { 'custom-reward-id': 'rw-unlisted' }));
      return other.displayName;
    });
  });

  it('reads the message of a sub (paid class); a sub without a message reads nothing', async () => {
    const c = chatter();
    fakes.twitch.send(subNoticeLine(CHAN, c, 'resub', 'three months of cozy streams'));
    const start = await startOf(c.displayName);
    expect(start.text).toBe('three months of cozy streams');
    expect(await finished(start.id)).toMatchObject({ priority: PAID, paid: true });

    await expectNotRead(() => {
      const silent = chatter();
      fakes.twitch.send(subNoticeLine(CHAN, silent, 'sub'));
      return silent.displayName;
    });
  });

  it('removes Twitch emotes (by the emotes tag) and emoji before speech', async () => {
    const c = chatter();
    // "!tts Kappa hello PogChamp world 🎉": Kappa at 5-9, PogChamp at 17-24 (code points).
    fakes.twitch.send(privmsgLine(CHAN, c, '!tts Kappa hello PogChamp world 🎉', { emotes: '25:5-9/305954156:17-24' }));
    const start = await startOf(c.displayName);
    expect(start.text).toBe('hello world');
    expect((await finished(start.id)).text).toBe('hello world');
  });
});

describe('Bilibili paid readouts through the relay', () => {
  it('reads a super chat as paid', async () => {
    fakes.bilibili!.sendCommands([bilibiliCommands.superChat(9_001, '醒目用户', 30, '主播加油，今天的歌太好听了')], 'zlib');
    const start = await startOf('醒目用户');
    expect(start.text).toBe('主播加油，今天的歌太好听了');
    const entry = await finished(start.id);
    expect(entry).toMatchObject({ source: 'bilibili', priority: PAID, paid: true, messageId: 'sc-9001' });
  });

  it('reads a gift over BILIBILI_MIN_GIFT_CNY as paid, and not a cheaper one', async () => {
    // 0.1 CNY (100 gold) first: below the 1 CNY threshold; then 5 CNY (5,000 gold).
    fakes.bilibili!.sendCommands(
      [bilibiliCommands.gift('小气鬼', '辣条', 1, 100), bilibiliCommands.gift('大方哥', '小花花', 5, 5_000)],
      'brotli',
    );
    const start = await startOf('大方哥');
    expect(start.text).toBe('大方哥送出了5个小花花');
    expect(await finished(start.id)).toMatchObject({ source: 'bilibili', priority: PAID, paid: true });
    expect(overlay.starts.some((s) => s.user === '小气鬼')).toBe(false);
    expect((await historyEntries(relay)).some((e) => e.user === '小气鬼')).toBe(false);
  });
});
