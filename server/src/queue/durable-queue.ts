import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Subject, type Observable } from 'rxjs';
import { QueueFullError } from '../core/errors.ts';
import type { HistoryEntry } from '../core/history.ts';
import type { CaptionEvent, TimedWord, Utterance, UtteranceState } from '../core/types.ts';
import { toHistoryEntry, toUtterance, type UtteranceRow } from './rows.ts';
import { guardStorage, openDatabase } from './sqlite.ts';
import { prepareStatements, type Statements } from './statements.ts';

export type DurableQueueOptions = ({ dataDir: string } | { path: string }) & {
  /** Enqueue answers QueueFullError once this many readouts are queued, synthesizing or playing. */
  maxQueued: number;
  /** Final rows kept for history; older ones are pruned (overshoot at most 10%). Default 10,000. */
  historyLimit?: number;
  /** Retry-After hint carried by QueueFullError. Default 5 s. */
  retryAfterS?: number;
  now?: () => number;
};

export interface EnqueueResult {
  utterance: Utterance;
  /** True when the same text+user was already accepted within the dedupe window. */
  duplicate: boolean;
}

/** States an utterance can be skipped or dropped from. */
export type ActiveState = 'queued' | 'synthesizing' | 'playing';

interface Finished {
  previous: ActiveState;
  row: UtteranceRow;
}

const MAX_ROWS_PER_READ = 10_000;

/**
 * The durable buffer between the sources and the limiter (SQLite, one file per data dir).
 * Every write is committed before the method returns. Transitions only happen from valid
 * prior states; a call that lost a race is a no-op (false / undefined), never an error.
 * SQLite failures surface as StorageError.
 */
export class DurableQueue {
  /** Every changed utterance, after its transition is committed, in commit order. */
  readonly changes$: Observable<Utterance>;

  private readonly db: ReturnType<typeof openDatabase>;
  private readonly changes = new Subject<Utterance>();
  private readonly pending: Utterance[] = [];
  private emitting = false;
  private readonly maxQueued: number;
  private readonly historyLimit: number;
  private readonly pruneEveryInserts: number;
  private insertsSincePrune = 0;
  private readonly retryAfterS: number;
  private readonly now: () => number;
  private readonly sql: Statements;
  private readonly enqueueTx: (event: CaptionEvent, dedupeWindowMs: number) => EnqueueResult;
  private readonly finishTx: (id: string, state: 'skipped' | 'dropped', reason: string) => Finished | undefined;

  constructor(options: DurableQueueOptions) {
    this.maxQueued = options.maxQueued;
    this.historyLimit = options.historyLimit ?? 10_000;
    this.pruneEveryInserts = Math.min(100, Math.max(1, Math.ceil(this.historyLimit / 10)));
    this.retryAfterS = options.retryAfterS ?? 5;
    this.now = options.now ?? Date.now;
    this.changes$ = this.changes.asObservable();
    this.db = openDatabase('path' in options ? options.path : join(options.dataDir, 'relay.db'));
    try {
      this.sql = guardStorage('prepare', () => prepareStatements(this.db));
      this.enqueueTx = this.db.transaction((event, windowMs) => this.insertUnlessFullOrDuplicate(event, windowMs));
      this.finishTx = this.db.transaction((id, state, reason) => this.finishIfActive(id, state, reason));
      guardStorage('prune', () => this.sql.prune.run(this.historyLimit));
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /**
   * Accepts a caption: committed to disk before this returns. With `dedupeWindowMs`, the same
   * text+user received (by `receivedAtMs`) within the window and not dropped returns the first
   * one with `duplicate: true`, even when the queue is full. Throws QueueFullError, StorageError.
   */
  enqueue(event: CaptionEvent, options: { dedupeWindowMs?: number } = {}): EnqueueResult {
    const dedupeWindowMs = options.dedupeWindowMs ?? 0;
    const result = guardStorage('enqueue', () => this.enqueueTx(event, dedupeWindowMs));
    if (!result.duplicate) this.emit(result.utterance);
    return result;
  }

  /** Atomically moves the next queued item (priority DESC, then FIFO) to 'synthesizing'. */
  takeNext(): Utterance | undefined {
    const row = guardStorage('take', () => this.sql.takeNext.get(this.now()));
    return row ? this.emitRow(row) : undefined;
  }

  /**
   * synthesizing → playing, recording the first-audio latency (now − receivedAtMs).
   * Undefined when the item is not synthesizing (skipped, unknown, already playing...).
   */
  markPlaying(id: string): Utterance | undefined {
    const row = guardStorage('mark playing', () => this.sql.markPlaying.get({ nowMs: this.now(), id }));
    return row ? this.emitRow(row) : undefined;
  }

  /** synthesizing|playing → played, recording how it ended. False when not in flight. */
  markPlayed(id: string, options: { reason?: string; durationMs?: number; words?: TimedWord[] } = {}): boolean {
    const nowMs = this.now();
    const row = guardStorage('mark played', () =>
      this.sql.markPlayed.get({
        id,
        reason: options.reason ?? null,
        durationMs: options.durationMs ?? null,
        wordsJson: options.words ? JSON.stringify(options.words) : null,
        nowMs,
      }),
    );
    if (!row) return false;
    this.emitRow(row);
    return true;
  }

  /** Skips a queued, synthesizing or playing item. Returns its previous state, or undefined if none. */
  skip(id: string, reason = 'skipped by user'): ActiveState | undefined {
    return this.finish(id, 'skipped', reason);
  }

  /** Removes an item for a policy reason (ban, deletion, expiry). Returns its previous state. */
  drop(id: string, reason: string): ActiveState | undefined {
    return this.finish(id, 'dropped', reason);
  }

  get(id: string): Utterance | undefined {
    const row = guardStorage('get', () => this.sql.get.get(id));
    return row ? toUtterance(row) : undefined;
  }

  /** Items in the given states (default: active), active ones in play order, then final ones newest first. */
  list(options: { states?: readonly UtteranceState[]; limit: number }): Utterance[] {
    const states = JSON.stringify(options.states ?? ['queued', 'synthesizing', 'playing']);
    const rows = guardStorage('list', () => this.sql.list.all(states, clampRows(options.limit)));
    return rows.map(toUtterance);
  }

  /** The most recent final items (updated at or after sinceMs), oldest first, with their word timings. */
  history(options: { limit: number; sinceMs?: number }): HistoryEntry[] {
    const rows = guardStorage('history', () => this.sql.history.all(options.sinceMs ?? 0, clampRows(options.limit)));
    return rows.map(toHistoryEntry);
  }

  countActive(): number {
    return guardStorage('count', () => this.sql.countActive.get() as number);
  }

  /** At startup: items that were synthesizing or playing did not finish; queue them again. */
  recover(): number {
    const rows = guardStorage('recover', () => this.sql.recover.all(this.now()));
    for (const row of rows) this.emitRow(row);
    return rows.length;
  }

  close(): void {
    if (!this.db.open) return;
    this.changes.complete();
    guardStorage('close', () => this.db.close());
  }

  private finish(id: string, state: 'skipped' | 'dropped', reason: string): ActiveState | undefined {
    const finished = guardStorage(state === 'skipped' ? 'skip' : 'drop', () => this.finishTx(id, state, reason));
    if (!finished) return undefined;
    this.emitRow(finished.row);
    return finished.previous;
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
    if (dedupeWindowMs > 0) {
      const first = this.sql.findDuplicate.get(event.user, event.text, event.receivedAtMs - dedupeWindowMs);
      if (first) return { utterance: toUtterance(first), duplicate: true };
    }
    const active = this.sql.countActive.get() as number;
    if (active >= this.maxQueued) {
      throw new QueueFullError(
        this.retryAfterS,
        `queue is full (${active} of ${this.maxQueued} readouts waiting), try again in ${this.retryAfterS} s`,
      );
    }
    this.pruneOccasionally();
    const row = this.sql.insert.get({
      id: randomUUID(),
      text: event.text,
      user: event.user,
      source: event.source,
      priority: event.priority,
      voice: event.voice ?? null,
      lang: event.lang ?? null,
      receivedAtMs: event.receivedAtMs,
      updatedAtMs: this.now(),
    })!; // INSERT … RETURNING always yields the row
    return { utterance: toUtterance(row), duplicate: false };
  }

  private pruneOccasionally(): void {
    this.insertsSincePrune += 1;
    if (this.insertsSincePrune < this.pruneEveryInserts) return;
    this.insertsSincePrune = 0;
    this.sql.prune.run(this.historyLimit);
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
