/**
 * Moderation chain throughput, in memory: a realistic mix of chat (English, Chinese,
 * links, emoji and repeat spam, long messages, banned words, bots) from many users through
 * `moderate`, against a baseline measured in the same run: a pass-through chain with the
 * same number of operators (what RxJS itself costs).
 */
import { map, of, pipe, Subject, tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { ChatRole, SourceCaption } from '../../server/src/core/source.ts';
import { moderate } from '../../server/src/moderation/moderate.ts';
import { ModerationSettings } from '../../server/src/moderation/settings.ts';

const EVENTS = 200_000;
const WARMUP_EVENTS = 20_000;
const ROUNDS = 3;
/** Operators in the moderation chain (rules), mirrored by the pass-through baseline. */
const CHAIN_LENGTH = 12;

const TEXTS = [
  'hello everyone, how is the stream going today?',
  '主播好！今天玩什么游戏呀',
  'check out my channel at https://example.com/promo?ref=123',
  'loooooooooool 😂😂😂😂😂😂',
  '哈哈哈哈哈哈哈哈哈哈哈哈',
  'KEKW KEKW KEKW that was insane',
  'this is a darn long message that goes on and on '.repeat(8),
  '我觉得这个操作非常厉害，大家觉得呢？我们一起来讨论一下这个问题吧，说不定会有新的发现。'.repeat(3),
  '@streamer can you play the other song next',
  'gg gg gg gg gg',
  '1000000 bits when',
  'mixed 中文 and English 一起说',
];
const ROLES: ChatRole[][] = [['viewer'], ['subscriber', 'viewer'], ['vip', 'viewer'], ['moderator', 'viewer']];

function makeEvents(count: number): SourceCaption[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'caption',
    kind: 'chat',
    text: `${TEXTS[i % TEXTS.length]!} ${i % 97}`,
    user: i % 50 === 0 ? 'Nightbot' : `user${i % 5_000}`,
    userId: String(i % 5_000),
    roles: ROLES[i % ROLES.length]!,
    messageId: `m${i}`,
    source: i % 2 === 0 ? 'twitch' : 'bilibili',
    receivedAtMs: 0,
  }));
}

/** Events per second through `operator` (best of ROUNDS after a warm-up), and how many came out. */
function throughput(makeOperator: () => MonoTypeOperatorFunction<SourceCaption>, events: SourceCaption[]): { perS: number; passed: number } {
  const run = (batch: SourceCaption[]): { ms: number; passed: number } => {
    const in$ = new Subject<SourceCaption>();
    let passed = 0;
    in$.pipe(makeOperator()).subscribe(() => {
      passed += 1;
    });
    const started = performance.now();
    for (const event of batch) in$.next(event);
    const ms = performance.now() - started;
    in$.complete();
    return { ms, passed };
  };
  run(events.slice(0, WARMUP_EVENTS));
  let bestMs = Infinity;
  let passed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const result = run(events);
    if (result.ms < bestMs) bestMs = result.ms;
    passed = result.passed;
  }
  return { perS: (events.length / bestMs) * 1000, passed };
}

function passThrough(): MonoTypeOperatorFunction<SourceCaption> {
  const identity = map((e: SourceCaption) => e);
  return (source) => Array.from({ length: CHAIN_LENGTH }).reduce<typeof source>((s) => s.pipe(identity), source);
}

export async function benchModeration(): Promise<Record<string, number>> {
  const events = makeEvents(EVENTS);
  const settings = ModerationSettings.parse({
    emotes: { words: ['KEKW', 'OMEGALUL', 'PogChamp'] },
    bannedWords: { words: ['darn', '笨蛋', 'heck'], action: 'bleep' },
    users: { spokenNames: { user1: 'User One', streamer: 'the streamer' } },
    cooldownMs: 1_000,
  });
  let virtualNowMs = 0;
  const moderation = (): MonoTypeOperatorFunction<SourceCaption> => {
    virtualNowMs = 0;
    return pipe(
      // 0.1 ms of chat per event (10 000 messages/s): cooldowns and duplicate windows expire as in a raid
      tap(() => {
        virtualNowMs += 0.1;
      }),
      moderate<SourceCaption>({ settings$: of(settings), onDrop: () => {}, queuedCount: () => 0, nowMs: () => virtualNowMs }),
    );
  };
  const baseline = throughput(passThrough, events);
  const moderated = throughput(moderation, events);
  return {
    moderation_events_per_s: Math.round(moderated.perS),
    moderation_passthrough_events_per_s: Math.round(baseline.perS),
    moderation_vs_passthrough_ratio: moderated.perS / baseline.perS,
    moderation_passed_ratio: moderated.passed / events.length,
  };
}
