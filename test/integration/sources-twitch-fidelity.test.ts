/**
 * Issue 12, through the fake Twitch IRC server and the whole relay: a cheer repeating the
 * chatter's earlier plain message is queued as paid, not swallowed as a duplicate; a
 * tag-less CLEARCHAT naming only the login drops the readouts of a chatter whose display
 * name differs from the login. The queue is paused so the readouts stay where we look.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privmsgLine } from '../fakes/twitch/fake-twitch-irc.ts';
import { TEST_TWITCH_CHANNEL as CHAN } from '../support/chat-fakes.ts';
import { startChatRelay, type ChatRelay } from '../support/chat-relay.ts';
import { metricSum, metricsText, queueItems } from '../support/relay-queries.ts';

let chat: ChatRelay;

beforeAll(async () => {
  chat = await startChatRelay({ settings: { TWITCH_MIN_BITS: '100' } });
  expect((await chat.relay.post('/api/queue/pause', {})).status).toBe(200);
});

afterAll(() => chat?.stop());

const viewer = { login: 'koreanviewer', displayName: '테스트계정', userId: '117166826' };
const mine = async () => (await queueItems(chat.relay)).filter((i) => i.user === viewer.displayName);

describe('Twitch real-world fidelity through the relay', () => {
  it('a cheer with the text of an earlier plain message is queued as paid, not counted as a duplicate', async () => {
    chat.fakes.twitch.send(
      privmsgLine(CHAN, viewer, '!tts hello there', { id: 'plain-1' }),
      privmsgLine(CHAN, viewer, 'Cheer100 hello there', { id: 'cheer-1', bits: 100 }),
    );
    await expect.poll(async () => (await mine()).length, { timeout: 5_000, interval: 50 }).toBe(2);
    const items = await mine();
    expect(items.map((i) => [i.text, i.paid === true, i.state])).toEqual(
      expect.arrayContaining([
        ['hello there', false, 'queued'],
        ['hello there', true, 'queued'],
      ]),
    );
    const metrics = await metricsText(chat.relay);
    expect(metricSum(metrics, 'relay_captions_total', { source: 'twitch', result: 'duplicate' })).toBe(0);
    expect(metricSum(metrics, 'relay_source_dropped_total', { source: 'twitch' })).toBe(0);
  });

  it('a tag-less CLEARCHAT naming the login drops that chatter\'s readouts (display name differs)', async () => {
    chat.fakes.twitch.send(`:tmi.twitch.tv CLEARCHAT #${CHAN} :${viewer.login}`);
    await expect
      .poll(async () => (await mine()).map((i) => [i.state, i.reason]), { timeout: 5_000, interval: 50 })
      .toEqual([
        ['dropped', 'banned'],
        ['dropped', 'banned'],
      ]);
  });
});
