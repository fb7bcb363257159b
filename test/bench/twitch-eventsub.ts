/**
 * EventSub parser throughput: notification frames (the docs' example events: redemptions,
 * cheers, resubs, gifts, bans, deletions) through parseEventSubFrame + notificationEvent,
 * against a baseline measured in the same run: JSON.parse of the same frames.
 */
import { randomUUID } from 'node:crypto';
import { notificationEvent, type EventSubTriggers } from '../../plugin/source-twitch/eventsub-events.ts';
import { parseEventSubFrame } from '../../plugin/source-twitch/eventsub-message.ts';
import { DEFAULT_TWITCH_TRIGGERS } from '../../plugin/source-twitch/twitch-events.ts';
import { BAN, CHEER, MESSAGE_DELETE, REDEMPTION_ADD, SUBSCRIPTION_GIFT, SUBSCRIPTION_MESSAGE } from '../fakes/twitch/eventsub-payloads.ts';

const FRAMES = 100_000;
const ROUNDS = 3;
const EVENTS: [string, object][] = [
  ['channel.channel_points_custom_reward_redemption.add', REDEMPTION_ADD],
  ['channel.cheer', { ...CHEER, message: 'Cheer100 what a play Cheer100' }],
  ['channel.subscription.message', SUBSCRIPTION_MESSAGE],
  ['channel.subscription.gift', SUBSCRIPTION_GIFT],
  ['channel.ban', BAN],
  ['channel.chat.message_delete', MESSAGE_DELETE],
];
const triggers: EventSubTriggers = { ...DEFAULT_TWITCH_TRIGGERS, rewardIds: ['9001'], follows: false };

function frames(): string[] {
  return Array.from({ length: FRAMES }, (_, i) => {
    const [type, event] = EVENTS[i % EVENTS.length]!;
    return JSON.stringify({
      metadata: { message_id: randomUUID(), message_type: 'notification', message_timestamp: '2024-01-01T00:00:00.123456789Z', subscription_type: type, subscription_version: '1' },
      payload: {
        subscription: { id: randomUUID(), status: 'enabled', type, version: '1', cost: 0, condition: { broadcaster_user_id: '1337' }, transport: { method: 'websocket', session_id: 'AQoQ' }, created_at: '2024-01-01T00:00:00Z' },
        event,
      },
    });
  });
}

function timeIt(run: () => number): { perS: number; count: number } {
  let best = Infinity;
  let count = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    count = run();
    best = Math.min(best, performance.now() - started);
  }
  return { perS: (FRAMES / best) * 1000, count };
}

export async function benchTwitchEventSub(): Promise<Record<string, number>> {
  const input = frames();
  const baseline = timeIt(() => input.reduce((n, f) => n + (JSON.parse(f) === null ? 0 : 1), 0));
  const parser = timeIt(() => {
    let events = 0;
    for (const text of input) {
      const message = parseEventSubFrame(text);
      if (message.type !== 'notification') continue;
      const ctx = { triggers, ids: { broadcasterId: '1337', tokenUserId: '1337' }, messageId: message.metadata.message_id, receivedAtMs: 0 };
      if (notificationEvent(message.subscription.type, message.event, ctx)) events += 1;
    }
    return events;
  });
  if (parser.count !== FRAMES) throw new Error(`the parser read ${parser.count} of ${FRAMES} frames`);
  return {
    twitch_eventsub_events_per_s: Math.round(parser.perS),
    twitch_eventsub_json_parse_per_s: Math.round(baseline.perS),
    twitch_eventsub_vs_json_parse: Number((parser.perS / baseline.perS).toFixed(3)),
  };
}
