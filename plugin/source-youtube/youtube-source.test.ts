/**
 * The YouTube source against the fake Data API: history skipped, triggers, paid, moderator
 * actions, the polling interval and quota floor honoured, reconnects without duplicates, and
 * each of Google's refusals reaching the status.
 */
import { describe, expect, it } from 'vitest';
import type { SourceEvent } from '../../server/src/core/source.ts';
import { until } from '../../test/support/chat-fakes.ts';
import { sourceAgainstFake } from '../../test/support/source-against-fake.ts';
import { startFakeYouTubeApi, type FakeYouTubeApi } from '../../test/fakes/youtube/fake-youtube-api.ts';
import { liveChat } from '../../test/fakes/youtube/live-chat-messages.ts';
import { createYouTubeSource, type YouTubeSourceOptions } from './youtube-source.ts';

const KEY = 'AIza-test-key';
const VIDEO = 'vid00000001';
const CHANNEL = 'UCstreamer';
const CHAT = 'chat-live-1';
const chat = liveChat(CHAT);
const viewer = { channelId: 'UCviewer', displayName: 'Viewer' };
const mod = { channelId: 'UCmod', displayName: 'Mod', isChatModerator: true };

const harness = sourceAgainstFake<FakeYouTubeApi, YouTubeSourceOptions>(
  async () => {
    const fake = await startFakeYouTubeApi({ apiKey: KEY, pollingIntervalMillis: 40 });
    fake.goLive(VIDEO, CHANNEL, CHAT);
    return fake;
  },
  (options) => createYouTubeSource({ videoId: VIDEO, apiKey: KEY, streamHours: 0.01, ...options }),
);

function collect(): SourceEvent[] {
  const events: SourceEvent[] = [];
  harness.source.events$.subscribe((e) => events.push(e));
  return events;
}
const polls = () => harness.fake.calls.filter((c) => c.endpoint === 'messages');
const texts = (events: SourceEvent[]) => events.map((e) => (e.type === 'caption' ? e.text : `${e.type}:${e.type === 'clear-message' ? e.messageId : e.type === 'clear-user' ? e.userId : ''}`));

describe('YouTube source against the fake Data API', () => {
  it('skips the chat history, then reads triggered chat, paid messages and moderator actions in order', async () => {
    harness.fake.post(CHAT, chat.text('old1', viewer, '!tts from before the relay started'), chat.superChat('old2', viewer, 9_000_000, 'USD', '$9.00', 'old money'));
    harness.start();
    const events = collect();
    await until(() => polls().length >= 1, 3_000, 'never polled');
    harness.fake.post(
      CHAT,
      chat.text('m1', viewer, 'not for reading'),
      chat.text('m2', viewer, '!tts read me'),
      chat.superChat('m3', viewer, 5_000_000, 'USD', '$5.00', 'paid words'),
      chat.superSticker('m4', viewer, 2_000_000, 'USD', '$2.00', 'st1', 'Waving cat'),
      chat.messageDeleted('m5', mod, 'm2'),
      chat.userBanned('m6', mod, viewer, 'temporary', 300),
    );
    await until(() => events.length >= 5, 3_000, 'events did not arrive');
    expect(texts(events)).toEqual(['read me', 'paid words', 'Viewer sent a Super Sticker: Waving cat', 'clear-message:m2', 'clear-user:UCviewer']);
    expect(harness.source.status()).toMatchObject({ connected: true });
    // Each poll carried the key and the previous page's token; none came too soon.
    expect(polls().every((c) => c.params['key'] === KEY && c.params['liveChatId'] === CHAT)).toBe(true);
    expect(polls()[0]!.params['pageToken']).toBeUndefined();
    expect(polls()[1]!.params['pageToken']).toBeDefined();
    expect(harness.fake.tooSoonCount()).toBe(0);
  });

  it('waits the quota floor between polls when it is longer than pollingIntervalMillis, and says how long the quota lasts', async () => {
    // 10,000 units over 0.05 h: one 5-unit poll every 90 ms at most.
    harness.start({ streamHours: 0.05 });
    await until(() => polls().length >= 5, 5_000, 'not enough polls');
    const at = polls().map((c) => c.atMs);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(85);
    const { quota } = harness.source.status();
    expect(quota).toMatchObject({ dailyUnits: 10_000 });
    expect(quota!.usedUnits).toBe(harness.fake.unitsUsed());
    // At one poll per 90 ms the rest lasts (10,000 - used) / 5 × 90 ms.
    expect(quota!.lastsMs).toBe(Math.floor((10_000 - quota!.usedUnits) / 5) * 90);
  });

  it('reconnects after a server error and a malformed page without reading anything twice or losing the gap', async () => {
    harness.start();
    const events = collect();
    await until(() => polls().length >= 2, 3_000);
    harness.fake.post(CHAT, chat.text('a1', viewer, '!tts first'));
    await until(() => events.length === 1, 3_000);
    harness.fake.failNext('backendError', 1, 'messages');
    harness.fake.failNext('malformed', 1, 'messages');
    harness.fake.post(CHAT, chat.text('a2', viewer, '!tts during the outage'));
    await until(() => events.length >= 2, 3_000, 'the message posted during the outage was lost');
    harness.fake.post(CHAT, chat.text('a3', viewer, '!tts after'));
    await until(() => events.length >= 3, 3_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(texts(events)).toEqual(['first', 'during the outage', 'after']);
    expect(harness.source.status().lastError).toBeUndefined();
  });

  it('after a stop and a start reads on without repeating what it read', async () => {
    harness.start();
    const events = collect();
    await until(() => polls().length >= 1, 3_000);
    harness.fake.post(CHAT, chat.text('r1', viewer, '!tts one'));
    await until(() => events.length === 1, 3_000);
    await harness.source.stop();
    harness.source.start();
    harness.fake.post(CHAT, chat.text('r2', viewer, '!tts two'));
    await until(() => events.length === 2, 3_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(texts(events)).toEqual(['one', 'two']);
  });

  it('stops polling on quotaExceeded and says so', async () => {
    harness.start();
    await until(() => polls().length >= 1, 3_000);
    harness.fake.failNext('quotaExceeded', 1, 'messages');
    await until(() => harness.source.status().notices?.includes('quota-exceeded') === true, 3_000);
    const count = polls().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(polls().length).toBe(count);
    expect(harness.source.status()).toMatchObject({ connected: false, lastError: expect.stringContaining('quotaExceeded') });
  });

  it('slows down on rateLimitExceeded and says so', async () => {
    harness.start();
    await until(() => polls().length >= 1, 3_000);
    harness.fake.failNext('rateLimitExceeded', 2, 'messages');
    await until(() => harness.source.status().notices?.includes('rate-limited') === true, 3_000);
    await until(() => polls().filter((c) => c.status === 200).length >= 3, 5_000);
  });

  it('stops on liveChatEnded for a fixed video, and on a refused key', async () => {
    harness.start();
    await until(() => polls().length >= 1, 3_000);
    harness.fake.failNext('liveChatEnded', 1, 'messages');
    await until(() => harness.source.status().notices?.includes('stream-ended') === true, 3_000);
    const count = harness.fake.calls.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.fake.calls.length).toBe(count);
    await harness.source.stop();

    harness.start({ apiKey: 'wrong' });
    await until(() => harness.source.status().notices?.includes('auth-failed') === true, 3_000);
    expect(harness.source.status().lastError).toContain('API key not valid');
  });

  it('reads its channel: one search (100 units) kept for the stream; after it ends, looks again and reads the next stream without its history', async () => {
    harness.start({ videoId: undefined, channelId: CHANNEL, liveSearchIntervalMs: 150 });
    const events = collect();
    await until(() => polls().length >= 3, 3_000);
    expect(harness.fake.calls.filter((c) => c.endpoint === 'search')).toHaveLength(1);
    harness.fake.post(CHAT, chat.text('c1', viewer, '!tts on the first stream'), chat.chatEnded('c2'));
    harness.fake.endStream(VIDEO);
    await until(() => harness.source.status().notices?.includes('waiting-for-stream') === true, 3_000);

    const next = liveChat('chat-live-2');
    harness.fake.goLive('vid00000002', CHANNEL, 'chat-live-2');
    harness.fake.post('chat-live-2', next.text('h1', viewer, '!tts history of the second stream'));
    await until(() => harness.source.status().connected, 3_000, 'the second stream was not found');
    harness.fake.post('chat-live-2', next.text('h2', viewer, '!tts on the second stream'));
    await until(() => events.length >= 2, 3_000);
    expect(texts(events)).toEqual(['on the first stream', 'on the second stream']);
    expect(harness.source.status().notices).toBeUndefined();
  });
});
