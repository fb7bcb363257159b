/**
 * Adaptive jitter buffer: pure scheduling logic for the overlay's audio, no Web Audio here.
 *
 * Times are seconds on the AudioContext clock (`nowSec` = ctx.currentTime). Each utterance
 * gets a base time; a chunk plays at `base + offsetMs/1000 (+ underrun shift)`.
 *
 * - Placement: an utterance is placed when it has audio (or was ended empty) and the end of
 *   the utterance before it is known (that one was placed and its `utterance:end` arrived):
 *   `base = max(now + max(lead, safety), end of previous)`. So a prefetched next utterance
 *   starts exactly where the previous one ends, and a lone one starts `lead` (at least one
 *   render quantum, `safety`) after its first chunk arrives.
 * - Underrun: a chunk whose start would be earlier than `now + safety` is late. It is counted,
 *   the lead grows (×growFactor, capped) and this utterance's remaining schedule shifts so the
 *   chunk starts at `now + lead`: nothing is dropped, nothing overlaps. The lead decays back
 *   towards its configured value after each utterance that played without an underrun.
 * - Cancel: the utterance is stopped and removed; utterances after it that have not started
 *   are pulled forward (`max(now + lead, end of the one before)`).
 * - Every mutation returns the Web Audio operations to perform (start a chunk at a time, stop
 *   every source of an utterance). A moved utterance is a `stop` followed by fresh `start`s.
 * - Bounded: at most `maxPendingUtterances` not-yet-started utterances, `maxChunksPerUtterance`
 *   chunks each; ids already finished (played, cancelled, stalled) are remembered (bounded) so
 *   replays after a reconnect are ignored.
 */
import { BoundedMap } from './bounded-map.ts';

/**
 * Default start lead: none. A lone utterance starts one render quantum after its first chunk
 * arrives (see `safetyMs`), as a bare page starting it at `currentTime` would; the lead only
 * grows where chunks do arrive late (each underrun grows it, ×growFactor, at least +20 ms)
 * and decays back after clean utterances. Measured in the glass bench: on a LAN/localhost
 * overlay a local engine's chunks arrive far ahead of playback, and a streaming engine's
 * first chunk (≥ 100 ms of audio) covers the next one's 20 ms jitter: 0 underruns at 0 ms.
 */
export const DEFAULT_LEAD_MS = 0;

/** Web Audio renders in quanta of 128 frames and takes graph changes between them. */
export const RENDER_QUANTUM_FRAMES = 128;

/** One render quantum at 44.1 kHz (2.9 ms), for when the context's rate is not given. */
const DEFAULT_SAFETY_MS = 3;

export interface JitterBufferOptions {
  /** Start lead for a new utterance, and the floor the adaptive lead decays back to. */
  leadMs?: number;
  /** Ceiling of the adaptive lead. */
  maxLeadMs?: number;
  /** Lead multiplier on each underrun. */
  growFactor?: number;
  /** After a clean utterance the lead excess over `leadMs` is multiplied by this. */
  decayFactor?: number;
  /**
   * The earliest start from now: one render quantum (`renderQuantumMs`). A start in the
   * quantum being rendered would begin up to a quantum late and overlap the next chunk, so
   * a chunk that cannot start `safetyMs` ahead counts as late (an underrun) and is shifted.
   */
  safetyMs?: number;
  /** Bound on utterances received but not yet started. */
  maxPendingUtterances?: number;
  /** Bound on chunks per utterance. */
  maxChunksPerUtterance?: number;
  /** How many finished ids are remembered to ignore replays. */
  finishedMemory?: number;
  /** The head utterance is dropped when it blocks playback this long without progress. */
  stallMs?: number;
  /** How many finished utterances are kept in `history()`. */
  historySize?: number;
}

export type ScheduleOp = { op: 'start'; id: string; seq: number; atSec: number } | { op: 'stop'; id: string };

export type BeginResult = 'ok' | 'duplicate' | 'finished' | 'full';
export type ChunkResult = 'scheduled' | 'underrun' | 'buffered' | 'duplicate' | 'finished' | 'unknown' | 'full' | 'invalid';
export type FinishedOutcome = 'played' | 'cancelled' | 'stalled';

export interface UtteranceTimeline {
  id: string;
  baseSec: number | null;
  /** Known once placed and ended (or, for a cancelled one, the moment it was stopped). */
  endSec: number | null;
  sealed: boolean;
  started: boolean;
  chunks: number;
  underruns: number;
  outcome?: FinishedOutcome;
}

export type TickEvent =
  /** The utterance's first sample is now playing. */
  | { type: 'started'; id: string; baseSec: number }
  /** The server ended the utterance and its last sample has played. */
  | { type: 'finished'; id: string; endSec: number }
  /** Abandoned: it blocked playback without progress for `stallMs`. */
  | { type: 'stalled'; id: string };

export interface TickResult {
  /** In play order: a previous utterance's `finished` comes before the next one's `started`. */
  events: TickEvent[];
  ops: ScheduleOp[];
}

export interface JitterCounters {
  underruns: number;
  scheduledChunks: number;
  duplicateChunks: number;
  droppedChunks: number;
  droppedUtterances: number;
  stalledUtterances: number;
  cancelledUtterances: number;
  ignoredEvents: number;
}

interface ChunkSlot {
  seq: number;
  offsetSec: number;
  durSec: number;
  /** Start relative to base (offset + the underrun shift in force when scheduled); null until placed. */
  relSec: number | null;
}

interface Entry {
  id: string;
  baseSec: number | null;
  shiftSec: number;
  /** Sorted by offsetSec. */
  slots: ChunkSlot[];
  seqs: Set<number>;
  sealed: boolean;
  durationSec: number;
  underruns: number;
  started: boolean;
  lastActivitySec: number;
}

const EPS = 1e-6;

export class JitterBuffer {
  readonly minLeadSec: number;
  readonly maxLeadSec: number;
  private leadSec: number;
  private readonly growFactor: number;
  private readonly decayFactor: number;
  private readonly safetySec: number;
  private readonly maxPending: number;
  private readonly maxChunks: number;
  private readonly stallSec: number;
  private readonly historySize: number;
  private readonly entries: Entry[] = [];
  private readonly finishedIds: BoundedMap<string, FinishedOutcome>;
  private readonly recent: UtteranceTimeline[] = [];
  readonly counters: JitterCounters = {
    underruns: 0,
    scheduledChunks: 0,
    duplicateChunks: 0,
    droppedChunks: 0,
    droppedUtterances: 0,
    stalledUtterances: 0,
    cancelledUtterances: 0,
    ignoredEvents: 0,
  };

  constructor(opts: JitterBufferOptions = {}) {
    this.minLeadSec = Math.max(0, opts.leadMs ?? DEFAULT_LEAD_MS) / 1000;
    this.maxLeadSec = Math.max(this.minLeadSec, (opts.maxLeadMs ?? 300) / 1000);
    this.leadSec = this.minLeadSec;
    this.growFactor = Math.max(1, opts.growFactor ?? 1.5);
    this.decayFactor = Math.min(1, Math.max(0, opts.decayFactor ?? 0.8));
    this.safetySec = Math.max(0, opts.safetyMs ?? DEFAULT_SAFETY_MS) / 1000;
    this.maxPending = Math.max(1, opts.maxPendingUtterances ?? 8);
    this.maxChunks = Math.max(1, opts.maxChunksPerUtterance ?? 4096);
    this.stallSec = Math.max(0.1, (opts.stallMs ?? 8000) / 1000);
    this.historySize = Math.max(1, opts.historySize ?? 32);
    this.finishedIds = new BoundedMap(opts.finishedMemory ?? 200);
  }

  /** Current adaptive lead in ms. */
  get leadMs(): number {
    return this.leadSec * 1000;
  }

  /** Utterances received but not started yet. */
  get pendingCount(): number {
    return this.entries.filter((e) => !e.started).length;
  }

  /** Utterances held (playing or pending). */
  get activeCount(): number {
    return this.entries.length;
  }

  has(id: string): boolean {
    return this.find(id) !== undefined;
  }

  finishedOutcome(id: string): FinishedOutcome | undefined {
    return this.finishedIds.get(id);
  }

  /** `utterance:start`. */
  begin(id: string, nowSec: number): BeginResult {
    if (this.finishedIds.has(id)) {
      this.counters.ignoredEvents++;
      return 'finished';
    }
    if (this.find(id)) return 'duplicate';
    if (this.pendingCount >= this.maxPending) {
      this.counters.droppedUtterances++;
      return 'full';
    }
    this.entries.push({
      id,
      baseSec: null,
      shiftSec: 0,
      slots: [],
      seqs: new Set(),
      sealed: false,
      durationSec: 0,
      underruns: 0,
      started: false,
      lastActivitySec: nowSec,
    });
    return 'ok';
  }

  /** `audio:chunk` (duration from its sample count). */
  addChunk(
    id: string,
    seq: number,
    offsetMs: number,
    durationMs: number,
    nowSec: number,
  ): { result: ChunkResult; ops: ScheduleOp[] } {
    const e = this.find(id);
    if (!e) {
      this.counters.ignoredEvents++;
      return { result: this.finishedIds.has(id) ? 'finished' : 'unknown', ops: [] };
    }
    if (!Number.isFinite(offsetMs) || offsetMs < 0 || !Number.isFinite(durationMs) || durationMs <= 0) {
      this.counters.droppedChunks++;
      return { result: 'invalid', ops: [] };
    }
    if (e.seqs.has(seq)) {
      this.counters.duplicateChunks++;
      return { result: 'duplicate', ops: [] };
    }
    if (e.slots.length >= this.maxChunks) {
      this.counters.droppedChunks++;
      return { result: 'full', ops: [] };
    }
    e.lastActivitySec = nowSec;
    const slot: ChunkSlot = { seq, offsetSec: offsetMs / 1000, durSec: durationMs / 1000, relSec: null };
    e.seqs.add(seq);
    insertSorted(e.slots, slot);

    if (e.baseSec === null) {
      const ops = this.settle(nowSec);
      return { result: e.baseSec === null ? 'buffered' : 'scheduled', ops };
    }
    // Already placed: schedule this chunk now, shifting on an underrun.
    let result: ChunkResult = 'scheduled';
    slot.relSec = slot.offsetSec + e.shiftSec;
    const startSec = e.baseSec + slot.relSec;
    if (startSec < nowSec + this.safetySec) {
      result = 'underrun';
      e.underruns++;
      this.counters.underruns++;
      this.leadSec = Math.min(this.maxLeadSec, Math.max(this.leadSec * this.growFactor, this.leadSec + 0.02));
      const delta = nowSec + Math.max(this.leadSec, this.safetySec) - startSec;
      e.shiftSec += delta;
      slot.relSec += delta;
    }
    this.counters.scheduledChunks++;
    const ops: ScheduleOp[] = [{ op: 'start', id, seq, atSec: e.baseSec + slot.relSec }];
    // A shift (or a chunk arriving after the end) can push this utterance's end past the next one's base.
    ops.push(...this.settle(nowSec));
    return { result, ops };
  }

  /** `utterance:end`: the utterance's audio is complete; the next one may be placed after it. */
  end(id: string, durationMs: number, nowSec: number): ScheduleOp[] {
    const e = this.find(id);
    if (!e) {
      this.counters.ignoredEvents++;
      return [];
    }
    e.sealed = true;
    e.lastActivitySec = nowSec;
    e.durationSec = Number.isFinite(durationMs) && durationMs > 0 ? durationMs / 1000 : 0;
    return this.settle(nowSec);
  }

  /** `utterance:cancel`: stop now; later utterances that have not started move up. */
  cancel(id: string, nowSec: number): ScheduleOp[] {
    const idx = this.entries.findIndex((x) => x.id === id);
    if (idx < 0) {
      // Never seen (cancelled while queued on the server) or already finished: remember it so a
      // late replay is ignored, but keep an existing outcome.
      if (!this.finishedIds.has(id)) this.finishedIds.set(id, 'cancelled');
      else this.counters.ignoredEvents++;
      return [];
    }
    const e = this.entries[idx]!;
    this.entries.splice(idx, 1);
    this.counters.cancelledUtterances++;
    this.retire(e, 'cancelled', e.started ? nowSec : null);
    const ops: ScheduleOp[] = e.baseSec !== null ? [{ op: 'stop', id }] : [];
    ops.push(...this.settle(nowSec));
    return ops;
  }

  /** Advance to `nowSec`: report starts/ends in play order, drop a stalled head. Call often (every frame). */
  tick(nowSec: number): TickResult {
    const out: TickResult = { events: [], ops: [] };
    let i = 0;
    while (i < this.entries.length) {
      const e = this.entries[i]!;
      if (e.baseSec === null) break;
      if (!e.started) {
        if (nowSec + EPS < e.baseSec) break;
        e.started = true;
        out.events.push({ type: 'started', id: e.id, baseSec: e.baseSec });
      }
      // Only the head can finish: anything behind it starts after its end.
      const endSec = i === 0 ? this.endOf(e) : null;
      if (endSec !== null && nowSec + EPS >= endSec) {
        this.entries.shift();
        if (e.underruns === 0) {
          this.leadSec = this.minLeadSec + (this.leadSec - this.minLeadSec) * this.decayFactor;
          if (this.leadSec - this.minLeadSec < 0.0005) this.leadSec = this.minLeadSec;
        }
        this.retire(e, 'played', endSec);
        out.events.push({ type: 'finished', id: e.id, endSec });
        continue;
      }
      i++;
    }
    const head = this.entries[0];
    if (head && !head.sealed) {
      const receivedEnd = head.baseSec === null ? -Infinity : head.baseSec + this.maxRelEnd(head);
      if (nowSec - Math.max(head.lastActivitySec, receivedEnd) > this.stallSec) {
        this.entries.shift();
        this.counters.stalledUtterances++;
        this.retire(head, 'stalled', head.started ? nowSec : null);
        if (head.baseSec !== null) out.ops.push({ op: 'stop', id: head.id });
        out.events.push({ type: 'stalled', id: head.id });
      }
    }
    out.ops.push(...this.settle(nowSec));
    return out;
  }

  /**
   * Position in ms on the utterance's own audio clock at `nowSec` (follows underrun gaps:
   * during a gap the position holds at the end of the last chunk played). Negative before
   * it starts; null when the id is not held.
   */
  positionMs(id: string, nowSec: number): number | null {
    const e = this.find(id);
    if (!e) return null;
    if (e.baseSec === null) return -1;
    if (nowSec < e.baseSec) return (nowSec - e.baseSec) * 1000;
    let best: ChunkSlot | undefined;
    for (const s of e.slots) {
      if (s.relSec === null) continue;
      if (e.baseSec + s.relSec <= nowSec && (!best || s.relSec >= best.relSec!)) best = s;
    }
    if (!best) return 0;
    const intoSec = Math.min(nowSec - (e.baseSec + best.relSec!), best.durSec);
    return (best.offsetSec + intoSec) * 1000;
  }

  /** Timeline of a held utterance, or of a recently finished one. */
  timeline(id: string): UtteranceTimeline | undefined {
    const e = this.find(id);
    if (e) return this.describe(e);
    return this.recent.find((r) => r.id === id);
  }

  /** Held utterances (in play order) followed by nothing else; see `history()` for finished ones. */
  active(): UtteranceTimeline[] {
    return this.entries.map((e) => this.describe(e));
  }

  /** Recently finished utterances, oldest first. */
  history(): UtteranceTimeline[] {
    return this.recent.slice();
  }

  // ---------------------------------------------------------------------------------------

  private find(id: string): Entry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  private maxRelEnd(e: Entry): number {
    let end = 0;
    for (const s of e.slots) if (s.relSec !== null) end = Math.max(end, s.relSec + s.durSec);
    return end;
  }

  /** End time of a placed, sealed utterance; null while unknown. */
  private endOf(e: Entry): number | null {
    if (e.baseSec === null || !e.sealed) return null;
    return e.baseSec + Math.max(this.maxRelEnd(e), e.shiftSec + e.durationSec);
  }

  private describe(e: Entry): UtteranceTimeline {
    return {
      id: e.id,
      baseSec: e.baseSec,
      endSec: this.endOf(e),
      sealed: e.sealed,
      started: e.started,
      chunks: e.slots.length,
      underruns: e.underruns,
    };
  }

  private retire(e: Entry, outcome: FinishedOutcome, endSec: number | null): void {
    this.finishedIds.set(e.id, outcome);
    this.recent.push({ ...this.describe(e), endSec, outcome });
    while (this.recent.length > this.historySize) this.recent.shift();
  }

  /**
   * Walk the chain in play order: place what can be placed, move not-yet-started
   * utterances so each starts exactly at the previous one's end (never overlapping,
   * never later than `now + lead` when the previous one is done).
   */
  private settle(nowSec: number): ScheduleOp[] {
    const ops: ScheduleOp[] = [];
    let prevEnd = -Infinity;
    const lead = Math.max(this.leadSec, this.safetySec);
    for (const e of this.entries) {
      if (e.baseSec === null) {
        if (e.slots.length === 0 && !e.sealed) break; // nothing to place yet; keeps order
        e.baseSec = Math.max(nowSec + lead, prevEnd);
        e.shiftSec = 0;
        for (const s of e.slots) {
          s.relSec = s.offsetSec;
          this.counters.scheduledChunks++;
          ops.push({ op: 'start', id: e.id, seq: s.seq, atSec: e.baseSec + s.relSec });
        }
      } else if (!e.started && e.baseSec > nowSec + EPS) {
        let target = e.baseSec;
        if (prevEnd > e.baseSec + EPS) target = prevEnd; // would overlap the previous one
        else if (prevEnd < e.baseSec - EPS && e.baseSec > nowSec + lead + EPS) target = Math.max(prevEnd, nowSec + lead);
        if (Math.abs(target - e.baseSec) > EPS) {
          e.baseSec = target;
          ops.push({ op: 'stop', id: e.id });
          for (const s of e.slots) {
            if (s.relSec === null) continue;
            ops.push({ op: 'start', id: e.id, seq: s.seq, atSec: e.baseSec + s.relSec });
          }
        }
      }
      const end = this.endOf(e);
      if (end === null) break; // the next one's base depends on this end
      prevEnd = end;
    }
    return ops;
  }
}

/** One render quantum in ms at a context's sample rate: the jitter buffer's `safetyMs`. */
export function renderQuantumMs(contextSampleRateHz: number): number {
  return (RENDER_QUANTUM_FRAMES * 1000) / contextSampleRateHz;
}

function insertSorted(slots: ChunkSlot[], slot: ChunkSlot): void {
  let i = slots.length;
  while (i > 0 && slots[i - 1]!.offsetSec > slot.offsetSec) i--;
  slots.splice(i, 0, slot);
}
