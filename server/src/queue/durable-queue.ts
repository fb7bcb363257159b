import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { NotFoundError, QueueFullError, ValidationError } from '../core/errors.ts';
import type { HistoryEntry } from '../core/history.ts';
import type { CaptionEvent, ClearResult, PendingReadout, TimedWord, Utterance, UtteranceState } from '../core/types.ts';
import { forgetLongServedUsers, resumeInFlightUsersFirst, takeFairly } from './fair-share.ts';
import { makeRoomInSource } from './overflow.ts';
import { checkPolicy, resolvePolicy, ttlMsFor, type QueuePolicy, type QueuePolicyInput } from './policy.ts';
import { newRow, toHistoryEntry, toListedReadout, toPendingReadout, toUtterance, type ListedReadout, type UtteranceRow } from './rows.ts';
import { GroupSync } from './group-sync.ts';
import { guardStorage, openDatabase, openWalFile, type WalFile } from './sqlite.ts';
import { prepareStatements, type Statements } from './statements.ts';

export type DurableQueueOptions = ({ dataDir: string } | { path: string }) & {
  /** Enqueue answers QueueFullError once this many readouts are queued, synthesizing or playing. */
  maxQueued: number;
  /** Final rows kept for history; older ones are pruned (overshoot at most 10%). Default 10,000. */
  historyLimit?: number;
  /** Retry-After hint carried by QueueFullError. Default 5 s. */
  retryAfterS?: number;
  /** Most fsynced enqueues waiting for the disk at once (answers in flight); past it enqueue throws QueueFullError (Retry-After 1 s). Default 1,000. */
  maxWaitingForDisk?: number;
  /** Priority classes, time-to-live and per-source bounds, merged over DEFAULT_QUEUE_POLICY. */
  policy?: QueuePolicyInput;
  now?: () => number;
};

export interface EnqueueResult {
  utterance: Utterance;
  /** True when the same text+user was already accepted within the dedupe window. */
  duplicate: boolean;
  /** Dropped to make room for it (a full 'drop-oldest' source): state 'dropped', reason 'overflow'. */
  dropped: Utterance[];
  /**
   * With `fsync` (the default): resolves once this caption — and the first one, for a
   * duplicate — is on disk; rejects with StorageError. Undefined with `fsync: false`.
   */
  onDisk?: Promise<void>;
}

/** What a ban or a message deletion removed. */
export interface ModerationDrop {
  /** Active readouts dropped (queued or in flight). */
  dropped: number;
  /** The dropped ones that were synthesizing or playing: the relay cancels their synthesis and playback. */
  inFlightIds: string[];
}

/** States an utterance can be skipped or dropped from. */
export type ActiveState = 'queued' | 'synthesizing' | 'playing';

interface Finished {
  previous: ActiveState;
  row: UtteranceRow;
}

const MAX_ROWS_PER_READ = 10_000;
/** The reason of an adopted readout an overlay had already played to the end. */
export const HEARD_BEFORE_TAKEOVER = 'played before the takeover';

/**
 * The durable buffer between the sources and the limiter (SQLite, one file per data dir).
 * Every write is committed before the method returns (in the WAL, without waiting for the
 * disk: it survives kill -9), and no method waits for an fsync of its own commit (a commit
 * that triggers a WAL checkpoint, every ~1,000 pages, pays SQLite's syncs of it). What must survive a power cut
 * is fsynced off the event loop, many commits per fsync (group-sync.ts): an fsynced enqueue
 * hands back `onDisk`; the other state changes (plays, skips, drops, clears, pause, requeue,
 * adopt, recover) ask for a flush that follows within one fsync, with nobody waiting; takes,
 * expiries, timelines, notes and chat enqueues ask for none (their loss in a power cut is
 * harmless, see takeNext) and reach the disk with the next flush or checkpoint. Transitions only happen from valid
 * prior states; a call that lost a race is a no-op (false / undefined), never an error.
 * SQLite failures surface as StorageError.
 *
 * Policy: takeNext serves the highest priority first, round robin across users inside it
 * (fair-share.ts); queued items older than their class's TTL are dropped as 'expired'; a
 * source over its bound rejects or drops its oldest lowest-priority unpaid item (overflow.ts);
 * paid items are never dropped by overflow.
 */
export class DurableQueue {
  /** Every changed utterance, after its transition is committed, in commit order. */
  readonly changes$: Observable<Utterance>;
  /** Whether readouts wait (persisted): the current value on subscribe, then every change. */
  readonly paused$: Observable<boolean>;

  private readonly db: ReturnType<typeof openDatabase>;
  private readonly wal: WalFile;
  private readonly disk: GroupSync;
  private readonly changes = new Subject<Utterance>();
  private readonly paused: BehaviorSubject<boolean>;
  private readonly pending: Utterance[] = [];
  private emitting = false;
  private readonly maxQueued: number;
  private readonly historyLimit: number;
  private readonly pruneEveryInserts: number;
  private insertsSincePrune = 0;
  private readonly retryAfterS: number;
  private policy: QueuePolicy;
  private readonly now: () => number;
  private readonly sql: Statements;
  private readonly enqueueTx: (event: CaptionEvent, dedupeWindowMs: number) => EnqueueResult;
  private readonly takeTx: (nowMs: number) => { expired: UtteranceRow[]; taken?: UtteranceRow };
  private readonly finishTx: (ids: readonly string[], state: 'skipped' | 'dropped', reason: string) => Finished[];
  private readonly clearTx: (includePaid: boolean) => { rows: UtteranceRow[]; keptPaid: number };
  private readonly recoverTx: () => UtteranceRow[];
  private readonly adoptTx: (readouts: readonly PendingReadout[], heard: (id: string) => boolean) => UtteranceRow[];

  constructor(options: DurableQueueOptions) {
    this.maxQueued = options.maxQueued;
    this.historyLimit = options.historyLimit ?? 10_000;
    this.pruneEveryInserts = Math.min(100, Math.max(1, Math.ceil(this.historyLimit / 10)));
    this.retryAfterS = options.retryAfterS ?? 5;
    this.policy = resolvePolicy(options.policy);
    this.now = options.now ?? Date.now;
    this.changes$ = this.changes.asObservable();
    const path = 'path' in options ? options.path : join(options.dataDir, 'relay.db');
    this.db = openDatabase(path);
    try {
      this.wal = openWalFile(path);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.disk = new GroupSync({
      flush: () => this.wal.flush(),
      flushSync: () => this.wal.flushSync(),
      maxWaiting: options.maxWaitingForDisk ?? 1_000,
      retryAfterS: 1,
    });
    try {
      this.sql = guardStorage('prepare', () => prepareStatements(this.db));
      this.enqueueTx = this.db.transaction((event, windowMs) => this.insertUnlessFullOrDuplicate(event, windowMs));
      this.takeTx = this.db.transaction((nowMs) => ({ expired: this.sql.expire.all({ nowMs }), taken: takeFairly(this.sql, nowMs) }));
      this.finishTx = this.db.transaction((ids: readonly string[], state: 'skipped' | 'dropped', reason: string) =>
        ids.flatMap((id) => this.finishIfActive(id, state, reason) ?? []),
      );
      this.clearTx = this.db.transaction((includePaid) => ({
        rows: this.sql.clear.all({ reason: 'cleared', nowMs: this.now(), includePaid: includePaid ? 1 : 0 }),
        keptPaid: includePaid ? 0 : this.sql.countQueuedPaid.get()!,
      }));
      this.recoverTx = this.db.transaction(() => {
        resumeInFlightUsersFirst(this.sql);
        return this.sql.recover.all(this.now());
      });
      this.adoptTx = this.db.transaction((readouts: readonly PendingReadout[], heard: (id: string) => boolean) =>
        readouts.flatMap((r) => {
          const nowMs = this.now();
          const rows = this.sql.insertAdopted.all(newRow(r, nowMs));
          return rows.length > 0 && heard(r.id) ? [this.sql.finish.get('played', HEARD_BEFORE_TAKEOVER, nowMs, r.id)!] : rows;
        }),
      );
      guardStorage('prune', () => this.prune());
      this.paused = new BehaviorSubject(guardStorage('read settings', () => this.sql.getSetting.get('paused')) === 1);
    } catch (error) {
      this.wal.close();
      this.db.close();
      throw error;
    }
    this.paused$ = this.paused.asObservable();
  }

  /**
   * Accepts a caption: committed before this returns (kill -9 safe), on disk when `onDisk`
   * resolves (a 202 waits for it; the readout may be taken before). With `dedupeWindowMs`, the same
   * text+user received (by `receivedAtMs`) within the window and not dropped returns the first
   * one with `duplicate: true`, even when the queue is full; a paid caption is never a
   * duplicate (a cheer repeating an earlier plain message is read). A source at its bound rejects or
   * makes room (EnqueueResult.dropped). Throws QueueFullError (also when `maxWaitingForDisk`
   * fsynced enqueues already wait for the disk: checked before committing), StorageError.
   * `fsync: false` (chat, where nobody holds a 202) asks for no fsync: safe against a killed
   * process, not against a power cut until the next flush — and a raid adds no disk flushes.
   */
  enqueue(event: CaptionEvent, options: { dedupeWindowMs?: number; fsync?: boolean } = {}): EnqueueResult {
    const fsync = options.fsync !== false;
    if (fsync) this.disk.checkRoom();
    const result = guardStorage('enqueue', () => this.enqueueTx(event, options.dedupeWindowMs ?? 0));
    if (!result.duplicate) [...result.dropped, result.utterance].forEach((u) => this.emit(u));
    return fsync ? { ...result, onDisk: this.disk.onDisk() } : result;
  }

  /**
   * Drops what expired, then atomically moves the next queued item to 'synthesizing': the
   * highest priority present, inside it the least recently served user's oldest item.
   */
  takeNext(): Utterance | undefined {
    // No flush asked (kill -9 safe, the OS has it): after a power cut a lost take is queued again,
    // as recover() does with any in-flight item, and a lost expiry happens again on the next
    // take. The next flush (markPlaying, markPlayed, enqueue) makes it durable too. A take
    // never waits for a flush: the readout starts before the enqueue's fsync ends, and dying
    // before that fsync loses the caption and its take together, with no 202 sent.
    const { expired, taken } = guardStorage('take', () => this.takeTx(this.now()));
    expired.forEach((row) => this.emitRow(row));
    return taken ? this.emitRow(taken) : undefined;
  }

  /** Drops queued items whose time-to-live ended at or before `nowMs` (reason 'expired'); the relay calls it periodically. */
  expire(nowMs = this.now()): Utterance[] {
    const rows = guardStorage('expire', () => this.sql.expire.all({ nowMs }));
    return rows.map((row) => this.emitRow(row));
  }

  /**
   * synthesizing → playing, recording the first-audio latency: from when it was taken
   * (receivedAtMs + waitMs) to `audibleAtMs` (when the overlay says its first sample left the speakers), or to now when
   * that is unknown or later. Undefined when the item is not synthesizing.
   */
  markPlaying(id: string, audibleAtMs?: number): Utterance | undefined {
    const nowMs = this.now();
    // `.all()`, not `.get()`: a `.get()` of UPDATE … RETURNING outside a transaction returns the
    // row even when the commit fails (better-sqlite3), hiding a read-only or full disk.
    const [row] = this.flushSoon('mark playing', () => this.sql.markPlaying.all({ nowMs, audibleAtMs: audibleAtMs ?? nowMs, id }));
    return row ? this.emitRow(row) : undefined;
  }

  /** synthesizing|playing → played, recording how it ended. False when not in flight. */
  markPlayed(id: string, options: { reason?: string } = {}): boolean {
    const nowMs = this.now();
    const [row] = this.flushSoon('mark played', () => this.sql.markPlayed.all({ id, reason: options.reason ?? null, nowMs }));
    if (!row) return false;
    this.emitRow(row);
    return true;
  }

  /**
   * Records a readout's audio duration and word timings (its history, the source of SRT/VTT).
   * No flush asked: a timeline lost to a power cut is re-recorded when the readout plays again.
   */
  recordTimeline(id: string, timeline: { durationMs: number; words: readonly TimedWord[] }): void {
    const params = { id, durationMs: timeline.durationMs, wordsJson: JSON.stringify(timeline.words) };
    guardStorage('record timeline', () => this.sql.recordTimeline.run(params));
  }

  /**
   * Notes something about how readout `id` was spoken (shown in the panel and the history).
   * No flush asked, like the timeline; not a state change, so nothing is emitted: the readout's
   * next state (played) carries it.
   */
  note(id: string, note: string): void {
    guardStorage('note', () => this.sql.note.run({ id, note }));
  }

  /** Skips a queued, synthesizing or playing item. Returns its previous state, or undefined if none. */
  skip(id: string, reason = 'skipped by user'): ActiveState | undefined {
    return this.finish([id], 'skipped', reason)[0]?.previous;
  }

  /** Removes an item for a policy reason (ban, deletion, expiry). Returns its previous state. */
  drop(id: string, reason: string): ActiveState | undefined {
    return this.finish([id], 'dropped', reason)[0]?.previous;
  }

  /**
   * A ban: drops every active readout of `user` (matched case-insensitively), and with `by`
   * those of that platform user id on that source (a display name may differ from the login).
   */
  dropUser(user: string, reason = 'banned', by?: { source: string; userId: string }): ModerationDrop {
    const match = { user, source: by?.source ?? null, userId: by?.userId ?? null };
    return this.dropIds(guardStorage('drop user', () => this.sql.activeOfUser.all(match)).map((row) => row.id), reason);
  }

  /** A deleted chat message: drops the active readout(s) carrying its `messageId`. */
  dropMessage(messageId: string, reason = 'deleted'): ModerationDrop {
    return this.dropIds(guardStorage('drop message', () => this.sql.activeOfMessage.all(messageId)).map((row) => row.id), reason);
  }

  /** Skips every queued readout (reason 'cleared'); paid ones only with `includePaid`. In-flight ones are left alone. */
  clear(options: { includePaid: boolean }): ClearResult {
    const { rows, keptPaid } = this.flushSoon('clear', () => this.clearTx(options.includePaid));
    rows.forEach((row) => this.emitRow(row));
    return { cleared: rows.length, keptPaid };
  }

  /**
   * Queues a finished readout again as a new one (new id, fresh TTL), from the panel: same
   * text, user, priority, voice, instruct and lang; source 'panel', not paid. Throws NotFoundError,
   * ValidationError (409) while the original is still active, and whatever enqueue throws.
   */
  replay(id: string): EnqueueResult {
    const original = this.get(id);
    if (!original) throw new NotFoundError(`no readout with id ${id}`);
    if (isActive(original.state)) {
      throw new ValidationError('not_finished', `readout ${id} is still ${original.state}; only finished readouts can be replayed`, 409);
    }
    const { text, user, priority, voice, instruct, lang } = original;
    return this.enqueue({ text, user, priority, voice, instruct, lang, source: 'panel', receivedAtMs: this.now() });
  }

  /** The policy in force. */
  get currentPolicy(): QueuePolicy {
    return this.policy;
  }

  /**
   * Replaces the policy at run time (validated, not merged over the defaults: a source left
   * out has no bound of its own). Readouts accepted from now on get its classes' TTLs and
   * source bounds; queued ones keep the expiry they were given. Throws ConfigError.
   */
  setPolicy(policy: QueuePolicy): void {
    this.policy = checkPolicy(structuredClone(policy));
  }

  isPaused(): boolean {
    return this.paused.value;
  }

  /** Persists the pause switch (takeNext does not look at it: the limiter's gate does). Returns whether it changed. */
  setPaused(paused: boolean): boolean {
    if (paused === this.paused.value) return false;
    this.flushSoon('pause', () => this.sql.setSetting.run(paused ? 1 : 0, 'paused'));
    this.paused.next(paused);
    return true;
  }

  get(id: string): Utterance | undefined {
    const row = guardStorage('get', () => this.sql.get.get(id));
    return row ? toUtterance(row) : undefined;
  }

  /** Items in the given states (default: active), active ones by priority then arrival, then final ones newest first. */
  list(options: { states?: readonly UtteranceState[]; limit: number }): ListedReadout[] {
    const states = JSON.stringify(options.states ?? ['queued', 'synthesizing', 'playing']);
    const rows = guardStorage('list', () => this.sql.list.all(states, clampRows(options.limit)));
    return rows.map(toListedReadout);
  }

  /** The most recent final items (updated at or after sinceMs), oldest first, with their word timings. */
  history(options: { limit: number; sinceMs?: number }): HistoryEntry[] {
    const rows = guardStorage('history', () => this.sql.history.all(options.sinceMs ?? 0, clampRows(options.limit)));
    return rows.map(toHistoryEntry);
  }

  /** Readouts of `user` (case-insensitive) waiting to be taken. */
  countQueuedByUser(user: string): number {
    return guardStorage('count', () => this.sql.countQueuedByUser.get(user)!);
  }

  countActive(): number {
    return guardStorage('count', () => this.sql.getSetting.get('active')!);
  }

  /**
   * synthesizing → queued: no engine could speak it yet (an upstream outage), so it waits
   * for the next take instead of being dropped. Undefined when it is not synthesizing.
   */
  requeue(id: string): Utterance | undefined {
    const [row] = this.flushSoon('requeue', () => this.sql.requeue.all({ nowMs: this.now(), id }));
    return row ? this.emitRow(row) : undefined;
  }

  /**
   * Readouts accepted by another relay process that stopped (scale-out), queued here with
   * their ids, priority, user and expiry; ids already here are left alone. Never refused for
   * the bound: they were accepted once already. Queued in order of arrival. Those `heard`
   * says an overlay finished playing (the old process died before recording it) are recorded
   * as played instead. Returns the ones added.
   */
  adopt(readouts: readonly PendingReadout[], heard: (id: string) => boolean = () => false): Utterance[] {
    const byArrival = [...readouts].sort((x, y) => x.receivedAtMs - y.receivedAtMs); // a user's lane keeps its order
    const rows = this.flushSoon('adopt', () => this.adoptTx(byArrival, heard));
    return rows.map((row) => this.emitRow(row));
  }

  /** Every readout queued, synthesizing or playing, as another process would take it over. */
  pendingReadouts(): PendingReadout[] {
    return guardStorage('list pending', () => this.sql.active.all()).map(toPendingReadout);
  }

  /** One readout as pendingReadouts() gives it; undefined when it is finished or unknown. */
  pendingReadout(id: string): PendingReadout | undefined {
    const row = guardStorage('get', () => this.sql.get.get(id));
    return row && isActive(row.state) ? toPendingReadout(row) : undefined;
  }

  /** At startup: items that were synthesizing or playing did not finish; queue them again, their users served first. */
  recover(): number {
    const rows = this.flushSoon('recover', () => this.recoverTx());
    for (const row of rows) this.emitRow(row);
    return rows.length;
  }

  /** Flushes what still waits for the disk (blocking: shutdown only), then closes. */
  close(): void {
    if (!this.db.open) return;
    this.changes.complete();
    this.paused.complete();
    this.disk.close();
    this.wal.close();
    guardStorage('close', () => this.db.close());
  }

  /** A state change whose loss in a power cut is unwanted: committed now, on disk with the next group flush. */
  private flushSoon<T>(action: string, write: () => T): T {
    const result = guardStorage(action, write);
    this.disk.soon();
    return result;
  }

  private finish(ids: readonly string[], state: 'skipped' | 'dropped', reason: string): Finished[] {
    const finished = this.flushSoon(state === 'skipped' ? 'skip' : 'drop', () => this.finishTx(ids, state, reason));
    for (const { row } of finished) this.emitRow(row);
    return finished;
  }

  /** Drops the given active readouts (a policy reason); finished ones are left alone. */
  dropIds(ids: readonly string[], reason: string): ModerationDrop {
    const finished = this.finish(ids, 'dropped', reason);
    const inFlightIds = finished.filter((f) => f.previous !== 'queued').map((f) => f.row.id);
    return { dropped: finished.length, inFlightIds };
  }

  /** Runs inside finishTx. */
  private finishIfActive(id: string, state: 'skipped' | 'dropped', reason: string): Finished | undefined {
    const before = this.sql.get.get(id);
    if (!before || !isActive(before.state)) return undefined;
    const row = this.sql.finish.get(state, reason, this.now(), id)!; // same transaction: still active
    return { previous: before.state, row };
  }

  /** Runs inside enqueueTx. */
  private insertUnlessFullOrDuplicate(event: CaptionEvent, dedupeWindowMs: number): EnqueueResult {
    if (dedupeWindowMs > 0 && event.paid !== true) {
      const first = this.sql.findDuplicate.get(event.user, event.text, event.receivedAtMs - dedupeWindowMs);
      if (first) return { utterance: toUtterance(first), duplicate: true, dropped: [] };
    }
    const dropped = makeRoomInSource(this.sql, this.policy, event, this.now(), this.retryAfterS);
    const active = this.sql.getSetting.get('active')!;
    if (active >= this.maxQueued) {
      throw new QueueFullError(
        this.retryAfterS,
        `queue is full (${active} of ${this.maxQueued} readouts waiting), try again in ${this.retryAfterS} s`,
      );
    }
    this.pruneOccasionally();
    const nowMs = this.now();
    const ttlMs = ttlMsFor(event, this.policy);
    const expiresAtMs = ttlMs === null ? null : nowMs + ttlMs;
    const row = this.sql.insert.get(newRow({ ...event, id: randomUUID(), expiresAtMs }, nowMs))!; // INSERT … RETURNING always yields the row
    return { utterance: toUtterance(row), duplicate: false, dropped: dropped.map(toUtterance) };
  }

  private pruneOccasionally(): void {
    this.insertsSincePrune += 1;
    if (this.insertsSincePrune < this.pruneEveryInserts) return;
    this.insertsSincePrune = 0;
    this.prune();
  }

  private prune(): void {
    this.sql.prune.run(this.historyLimit);
    forgetLongServedUsers(this.sql);
  }

  private emitRow(row: UtteranceRow): Utterance {
    const utterance = toUtterance(row);
    this.emit(utterance);
    return utterance;
  }

  /** Trampolined so a subscriber that transitions the queue from inside its handler
   *  (the limiter taking the next item on a wake-up) cannot reorder what others see. */
  private emit(utterance: Utterance): void {
    this.pending.push(utterance);
    if (this.emitting) return;
    this.emitting = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) this.changes.next(next);
    } finally {
      this.emitting = false;
    }
  }
}

function isActive(state: UtteranceState): state is ActiveState {
  return state === 'queued' || state === 'synthesizing' || state === 'playing';
}

function clampRows(limit: number): number {
  return Math.min(MAX_ROWS_PER_READ, Math.max(0, Math.floor(limit)));
}
