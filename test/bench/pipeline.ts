/**
 * Chat ingest without TTS: Twitch IRC lines → the source's parser (parseIrcLine +
 * toSourceEvent) → moderation → priority class → queue admission. Figures:
 *
 * - pipeline_memory_*: admission is an in-memory stand-in applying the same policy
 *   (normalizeText, the per-source bound via overflow.ts `admission`, the global bound,
 *   paid never dropped) — what the chain itself costs, target ≥ 100k events/s;
 * - pipeline_sqlite_*: the relay's real ingest (`relay.connectSources` → admission) on a real
 *   data dir (durable queue, WAL, one commit without fsync per admitted caption);
 *   (pipeline_sqlite_submit_*: DurableQueue.enqueue alone; *_tmpfs: the same on tmpfs);
 * - baseline_json_parse_per_s: JSON.parse of the same events as JSON lines, same run.
 *
 * Nothing is served in these runs, so the twitch bound (50 waiting) soon holds only paid and
 * subscriber items and most later viewer messages take the refusal path — the steady state of
 * a real flood, where TTS drains ~1 readout per 2-3 s. pipeline_sqlite_submit_* instead admits
 * every caption (unpaid viewers: insert + drop-oldest each): the heavier path.
 *
 * Two moderation set-ups: the defaults (10 s per-user cooldown, 3 waiting per user, 60 s
 * duplicate window: most of a raid is dropped early and cheaply) and "limits off" (every
 * message passes every rule and reaches admission: the worst case per event).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { chainOf } from '../../server/src/core/engine-kit/engine-chain.ts';
import { silentLogger } from '../../server/src/core/logger.ts';
import type { SourceCaption, SourceEvent } from '../../server/src/core/source.ts';
import type { CaptionEvent } from '../../server/src/core/types.ts';
import { createMetrics } from '../../server/src/metrics/registry.ts';
import { moderate } from '../../server/src/moderation/moderate.ts';
import { ModerationSettings, type ModerationSettingsInput } from '../../server/src/moderation/settings.ts';
import { normalizeText } from '../../server/src/pipeline/normalize.ts';
import { DurableQueue } from '../../server/src/queue/durable-queue.ts';
import { admission } from '../../server/src/queue/overflow.ts';
import { DEFAULT_QUEUE_POLICY, type QueuePolicy } from '../../server/src/queue/policy.ts';
import { priorityFor } from '../../server/src/queue/priority.ts';
import { createRelay } from '../../server/src/relay/relay.ts';
import { parseIrcLine } from '../../plugin/source-twitch/irc-message.ts';
import { DEFAULT_TWITCH_TRIGGERS, toSourceEvent } from '../../plugin/source-twitch/twitch-events.ts';
import { privmsgLine } from '../fakes/twitch/fake-twitch-irc.ts';
import { fakeEngine } from '../support/fake-engine.ts';
import { percentile } from './stats.ts';

const LINES = 100_000;
const WARMUP_LINES = 10_000;
const ROUNDS = 3;
/** Admissions through SQLite: one fsynced commit each, so far fewer. */
const SQLITE_LINES = 4_000;
const USERS = 3_000;
const MAX_TEXT_CHARS = 500;
const MAX_QUEUED = 1_000;
/** Linux tmpfs, for the fsync-free comparison. */
const TMPFS_DIR = '/dev/shm';

const TEXTS = [
  'hello from the raid, love the stream',
  '主播好！今天玩什么游戏呀',
  'check https://example.com/promo?ref=123 out',
  'loooooooool 😂😂😂😂',
  'KEKW KEKW KEKW that was insane',
  '我觉得这个操作非常厉害，大家觉得呢？',
  'mixed 中文 and English 一起说',
  'gg gg gg gg gg gg',
];

/** Realistic raid lines: `!tts` chat with tags, 1 in 50 a cheer, some with Twitch emotes. */
function raidLines(count: number, salt: string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const u = (i * 7_919) % USERS;
    const chatter = { login: `raider${u}`, displayName: `Raider${u}`, userId: String(100_000 + u), badges: i % 10 === 0 ? 'subscriber/3' : '' };
    const text = `${TEXTS[i % TEXTS.length]!} ${salt}${i}`;
    if (i % 50 === 25) return privmsgLine('chan', chatter, `Cheer100 ${text}`, { id: `m-${salt}${i}`, bits: 100 });
    if (i % 7 === 3) return privmsgLine('chan', chatter, `!tts Kappa ${text}`, { id: `m-${salt}${i}`, emotes: '25:5-9' });
    return privmsgLine('chan', chatter, `!tts ${text}`, { id: `m-${salt}${i}` });
  });
}

/** What the Twitch source does per line (minus the socket): parse, then the event it stands for. */
function sourceEvent(line: string, receivedAtMs: number): SourceEvent | undefined {
  const msg = parseIrcLine(line);
  return msg ? toSourceEvent(msg, DEFAULT_TWITCH_TRIGGERS, receivedAtMs) : undefined;
}

/**
 * The durable queue's admission policy in memory: per-source bound (reject / drop the oldest
 * lowest-priority unpaid item), global bound on active items, paid never dropped.
 */
class MemoryAdmission {
  admitted = 0;
  dropped = 0;
  refused = 0;
  private readonly queued = new Map<string, CaptionEvent[]>();
  private readonly perUser = new Map<string, number>();
  private active = 0;

  constructor(private readonly policy: QueuePolicy) {}

  queuedCount(user: string): number {
    return this.perUser.get(user.toLowerCase()) ?? 0;
  }

  submit(event: CaptionEvent): void {
    const text = normalizeText(event.text, MAX_TEXT_CHARS);
    const list = this.queued.get(event.source) ?? [];
    this.queued.set(event.source, list);
    const victimIndex = this.victim(list);
    const victim = victimIndex === -1 ? undefined : list[victimIndex];
    const decision = admission(this.policy.sourceLimits[event.source], list.length, { priority: event.priority, paid: event.paid === true }, victim);
    if (decision === 'reject' || (decision === 'admit' && this.active >= MAX_QUEUED)) {
      this.refused += 1;
      return;
    }
    if (decision === 'drop-victim') {
      list.splice(victimIndex, 1);
      this.count(victim!.user, -1);
      this.active -= 1;
      this.dropped += 1;
    }
    list.push({ ...event, text });
    this.count(event.user, 1);
    this.active += 1;
    this.admitted += 1;
  }

  private victim(list: CaptionEvent[]): number {
    let best = -1;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (!e.paid && (best === -1 || e.priority < list[best]!.priority)) best = i;
    }
    return best;
  }

  private count(user: string, delta: number): void {
    const key = user.toLowerCase();
    this.perUser.set(key, (this.perUser.get(key) ?? 0) + delta);
  }
}

function settingsOf(input: ModerationSettingsInput): Observable<ModerationSettings> {
  return new BehaviorSubject(ModerationSettings.parse(input));
}

/**
 * Items per second through moderation → priority → in-memory admission; with `parse`, the
 * items are IRC lines that go through the Twitch source's parser first.
 */
function memoryPipeline(
  items: readonly string[] | readonly SourceCaption[],
  moderation: ModerationSettingsInput,
): { perS: number; admitted: number } {
  const run = (batch: readonly (string | SourceCaption)[]) => {
    const admit = new MemoryAdmission(DEFAULT_QUEUE_POLICY);
    const in$ = new Subject<SourceCaption>();
    in$
      .pipe(moderate<SourceCaption>({ settings$: settingsOf(moderation), queuedCount: (u) => admit.queuedCount(u), onDrop: () => {} }))
      .subscribe((c) =>
        admit.submit({
          text: c.text,
          user: c.user,
          source: c.source,
          lang: c.lang,
          messageId: c.messageId,
          receivedAtMs: c.receivedAtMs,
          ...priorityFor(c, DEFAULT_QUEUE_POLICY),
        }),
      );
    const started = performance.now();
    const now = Date.now();
    for (const item of batch) {
      const e = typeof item === 'string' ? sourceEvent(item, now) : item;
      if (e?.type === 'caption') in$.next(e);
    }
    const ms = performance.now() - started;
    in$.complete();
    return { ms, admitted: admit.admitted };
  };
  run(items.slice(0, WARMUP_LINES));
  let bestMs = Infinity;
  let admitted = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const result = run(items);
    if (result.ms < bestMs) bestMs = result.ms;
    admitted = result.admitted;
  }
  return { perS: (items.length / bestMs) * 1000, admitted };
}

/** Only the source parser (no moderation, no admission). */
function parseOnly(lines: readonly string[]): number {
  let bestMs = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    let n = 0;
    for (const line of lines) if (sourceEvent(line, 0)) n += 1;
    bestMs = Math.min(bestMs, performance.now() - started);
    if (n === 0) throw new Error('no events parsed');
  }
  return (lines.length / bestMs) * 1000;
}

/** Baseline: JSON.parse of the same events as JSON lines. */
function jsonParseBaseline(lines: readonly string[]): number {
  const json = lines.map((l) => JSON.stringify(sourceEvent(l, 0)));
  let bestMs = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    let n = 0;
    for (const j of json) n += (JSON.parse(j) as { text: string }).text.length > 0 ? 1 : 0;
    bestMs = Math.min(bestMs, performance.now() - started);
    if (n === 0) throw new Error('nothing parsed');
  }
  return (json.length / bestMs) * 1000;
}

const idleEngine = chainOf(fakeEngine({ name: 'bench-idle', sampleRateHz: 24_000 }));

/**
 * The relay's own ingest into SQLite: `relay.connectSources` (admission: moderation, priority,
 * normalize → DurableQueue.enqueue, committed without fsync as for every source) on a fresh data dir. No overlay is
 * connected, so nothing is taken: admission only. Returns lines/s and how many were admitted.
 */
function sqlitePipeline(lines: readonly string[], moderation: ModerationSettingsInput): { perS: number; admitted: number; enqueueUs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'cosy-bench-pipeline-'));
  const queue = new DurableQueue({ path: join(dir, 'relay.db'), maxQueued: MAX_QUEUED, policy: DEFAULT_QUEUE_POLICY });
  const metrics = createMetrics();
  const relay = createRelay({
    queue,
    engine: idleEngine,
    metrics,
    log: silentLogger,
    maxTextChars: MAX_TEXT_CHARS,
    maxInFlight: 2,
    dedupeWindowMs: 10_000,
    ackGraceMs: 5_000,
    moderation$: settingsOf(moderation),
  });
  let admitted = 0;
  const changes = queue.changes$.subscribe((u) => {
    if (u.state === 'queued') admitted += 1;
  });
  const events$ = new Subject<SourceEvent>();
  const ingest = relay.connectSources(events$);
  try {
    const started = performance.now();
    const now = Date.now();
    for (const line of lines) {
      const e = sourceEvent(line, now);
      if (e) events$.next(e);
    }
    const ms = performance.now() - started;
    return { perS: (lines.length / ms) * 1000, admitted, enqueueUs: admitted > 0 ? (ms * 1000) / admitted : 0 };
  } finally {
    ingest.unsubscribe();
    changes.unsubscribe();
    relay.close();
    queue.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The admission's storage step alone on a real data dir (DurableQueue.enqueue unfsynced, as for sources): unpaid twitch captions, each admitted (drop-oldest past 50 waiting). */
function sqliteSubmit(count: number, parentDir = tmpdir()): { perS: number; p50Us: number; p99Us: number } {
  const dir = mkdtempSync(join(parentDir, 'cosy-bench-submit-'));
  const queue = new DurableQueue({ path: join(dir, 'relay.db'), maxQueued: MAX_QUEUED, policy: DEFAULT_QUEUE_POLICY });
  try {
    const us: number[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      const event = { text: normalizeText(`raid message number ${i}`, MAX_TEXT_CHARS), user: `raider${i % USERS}`, source: 'twitch', priority: 0, messageId: `s${i}`, receivedAtMs: Date.now() };
      queue.enqueue(event, { dedupeWindowMs: 10_000, fsync: false });
      us.push((performance.now() - t) * 1000);
    }
    const ms = performance.now() - started;
    return { perS: (count / ms) * 1000, p50Us: percentile(us, 50), p99Us: percentile(us, 99) };
  } finally {
    queue.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const LIMITS_OFF: ModerationSettingsInput = { cooldownMs: 0, maxQueuedPerUser: 0, duplicates: { windowMs: 0 } };

export async function benchPipeline(): Promise<Record<string, number>> {
  const lines = raidLines(LINES, 'a');
  const captions = lines.map((l) => sourceEvent(l, Date.now())).filter((e): e is SourceCaption => e?.type === 'caption');
  const baseline = jsonParseBaseline(lines);
  const parse = parseOnly(lines);
  const modAdmit = memoryPipeline(captions, LIMITS_OFF);
  const modAdmitDefaults = memoryPipeline(captions, {});
  const fromLines = memoryPipeline(lines, LIMITS_OFF);
  const submit = sqliteSubmit(SQLITE_LINES);
  // The same on tmpfs (fsync is free there): what the fsync per admitted chat message costs.
  const submitTmpfs = existsSync(TMPFS_DIR) ? sqliteSubmit(SQLITE_LINES, TMPFS_DIR) : undefined;
  const sqliteOff = sqlitePipeline(raidLines(SQLITE_LINES, 'b'), LIMITS_OFF);
  return {
    baseline_json_parse_per_s: Math.round(baseline),
    pipeline_twitch_parse_per_s: Math.round(parse),
    pipeline_moderation_admission_memory_per_s: Math.round(modAdmit.perS),
    pipeline_moderation_admission_vs_json_parse_ratio: modAdmit.perS / baseline,
    pipeline_moderation_admission_default_settings_per_s: Math.round(modAdmitDefaults.perS),
    pipeline_lines_to_admission_memory_per_s: Math.round(fromLines.perS),
    pipeline_sqlite_submit_per_s: Math.round(submit.perS),
    pipeline_sqlite_submit_p50_us: Math.round(submit.p50Us),
    pipeline_sqlite_submit_p99_us: Math.round(submit.p99Us),
    pipeline_sqlite_submit_vs_json_parse_ratio: submit.perS / baseline,
    ...(submitTmpfs
      ? {
          pipeline_sqlite_submit_tmpfs_per_s: Math.round(submitTmpfs.perS),
          pipeline_sqlite_submit_tmpfs_p99_us: Math.round(submitTmpfs.p99Us),
        }
      : {}),
    pipeline_lines_to_sqlite_per_s: Math.round(sqliteOff.perS),
    pipeline_lines_to_sqlite_admitted: sqliteOff.admitted,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchPipeline().then((f) => process.stdout.write(`${JSON.stringify(f, null, 2)}\n`));
}
