/**
 * Kick frames through the source's parser, in memory: a realistic mix of Pusher frames
 * (chat with badges and emotes, replies, subs, gifted subs, KICKs, bans, deletions, pings;
 * payloads shaped like test/fakes/kick/kick-payloads.ts) through `parsePusherFrame` +
 * `toSourceEvent`, against a baseline measured in the same run: JSON.parse of the same frames
 * and of their string `data` (what decoding alone costs).
 */
import { parsePusherFrame } from '../../plugin/source-kick/pusher-frame.ts';
import { DEFAULT_KICK_TRIGGERS, toSourceEvent } from '../../plugin/source-kick/kick-events.ts';
import { appFrame, banData, chatData, deletedData, EVENTS, REAL_DATA, REAL_FRAMES } from '../fakes/kick/kick-payloads.ts';

const FRAMES = 200_000;
const ROUNDS = 3;

function makeFrames(count: number): string[] {
  const kinds: ((i: number) => string)[] = [
    (i) => appFrame(EVENTS.chat, chatData(1, { id: i % 5_000, username: `viewer${i % 5_000}`, badges: ['subscriber'] }, `!tts hello there number ${i}`, `m${i}`)),
    (i) => appFrame(EVENTS.chat, chatData(1, { id: i % 5_000, username: `viewer${i % 5_000}` }, `gg [emote:37226:KEKW] wp ${i}`, `m${i}`)),
    (i) => appFrame(EVENTS.chat, chatData(1, { id: 7, username: 'mod', badges: ['moderator', 'og'] }, `a reply ${i}`, `r${i}`, 'reply')),
    () => REAL_FRAMES.chatModeratorSubscriber,
    () => appFrame(EVENTS.subscription, REAL_DATA.subscription),
    () => appFrame(EVENTS.gifted, REAL_DATA.giftedFive),
    (i) => appFrame(EVENTS.kicks, { ...REAL_DATA.kicksGifted, gift_transaction_id: `g${i}` }),
    (i) => appFrame(EVENTS.banned, banData({ id: i, username: `u${i}` })),
    (i) => appFrame(EVENTS.deleted, deletedData(`m${i}`)),
    () => '{"event":"pusher:ping","data":{}}',
  ];
  // Chat dominates real traffic: 7 of every 10 frames are messages.
  const mix = [0, 1, 2, 3, 0, 1, 0, 4, 5, 6, 7, 8, 9, 0, 1];
  return Array.from({ length: count }, (_, i) => kinds[mix[i % mix.length]!]!(i));
}

/** Frames per second through `read` (best of ROUNDS after a warm-up), and how many events came out. */
function throughput(read: (frame: string) => unknown, frames: string[]): { perS: number; events: number } {
  const run = (batch: string[]): { ms: number; events: number } => {
    let events = 0;
    const started = performance.now();
    for (const frame of batch) if (read(frame) !== undefined) events += 1;
    return { ms: performance.now() - started, events };
  };
  run(frames.slice(0, 20_000));
  let bestMs = Infinity;
  let events = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const result = run(frames);
    bestMs = Math.min(bestMs, result.ms);
    events = result.events;
  }
  return { perS: (frames.length / bestMs) * 1000, events };
}

export async function benchKickParser(): Promise<Record<string, number>> {
  const frames = makeFrames(FRAMES);
  const triggers = { ...DEFAULT_KICK_TRIGGERS, allMessages: true };
  const baseline = throughput((text) => {
    const frame = JSON.parse(text) as { data: unknown };
    return typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data;
  }, frames);
  const parsed = throughput((text) => {
    const frame = parsePusherFrame(text);
    return toSourceEvent(frame.event, frame.data, triggers, 0);
  }, frames);
  return {
    kick_parser_frames_per_s: Math.round(parsed.perS),
    kick_json_parse_frames_per_s: Math.round(baseline.perS),
    kick_parser_vs_json_parse_ratio: parsed.perS / baseline.perS,
    kick_parser_events_per_frame: parsed.events / frames.length,
  };
}
