import { Subject } from 'rxjs';
import { ModerationSettings } from '../../server/src/moderation/settings.ts';
import type { RuleContext } from '../../server/src/moderation/rule-context.ts';
import { denyUsers } from '../../server/src/moderation/deny-users.ts';
import { roleGate } from '../../server/src/moderation/role-gate.ts';
import { replaceLinks } from '../../server/src/moderation/replace-links.ts';
import { stripEmotes } from '../../server/src/moderation/strip-emotes.ts';
import { collapseRepeats } from '../../server/src/moderation/collapse-repeats.ts';
import { bannedWords } from '../../server/src/moderation/banned-words.ts';
import { dropEmpty } from '../../server/src/moderation/drop-empty.ts';
import { capLength } from '../../server/src/moderation/cap-length.ts';
import { userQueueCap } from '../../server/src/moderation/user-queue-cap.ts';
import { cooldown } from '../../server/src/moderation/cooldown.ts';
import { dedupe } from '../../server/src/moderation/dedupe.ts';
import { spokenNames } from '../../server/src/moderation/spoken-names.ts';
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
const settings = ModerationSettings.parse({ emotes: { words: ['KEKW'] }, bannedWords: { words: ['darn','笨蛋'], action: 'bleep' }, cooldownMs: 1000 });
let now = 0;
const ctx: RuleContext = { settings: () => settings, onDrop: () => {}, nowMs: () => (now += 0.1), queuedCount: () => 0, maxTrackedKeys: 10000 };
const events = Array.from({ length: 100000 }, (_, i) => ({ text: `${TEXTS[i % TEXTS.length]} ${i % 97}`, user: `u${i % 5000}`, source: 'twitch', roles: ['viewer'] as const }));
for (const [name, rule] of Object.entries({ denyUsers, roleGate, replaceLinks, stripEmotes, collapseRepeats, bannedWords, dropEmpty, capLength, userQueueCap, cooldown, dedupe, spokenNames })) {
  const in$ = new Subject<any>(); in$.pipe((rule as any)(ctx)).subscribe(() => {});
  const t0 = performance.now(); for (const e of events) in$.next(e); const ms = performance.now() - t0;
  console.log(name.padEnd(16), Math.round(events.length / ms * 1000), '/s');
}
