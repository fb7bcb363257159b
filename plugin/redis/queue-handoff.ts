/**
 * Queue ownership across relay processes (scale-out). Each readout belongs to the process
 * that accepted it (its SQLite queue is the durable record) and is synthesized there, once.
 * Every process mirrors its unfinished readouts into Redis and holds a lease (a key with a
 * time-to-live it renews). When a process's lease runs out — killed, crashed, stopped, or cut
 * off — the first live process to notice takes its mirrored readouts over atomically (a Lua
 * script moves them into its own mirror and records which ids it took), queues them in its
 * own SQLite with the same ids, and plays them. When the old process comes back on its data
 * dir, it drops the ids that were taken over (reason "taken over by another relay process")
 * instead of playing them a second time.
 *
 * A process that cannot renew its lease fences itself (onFenced) before the lease could run out,
 * so a cut-off process and the one taking over never both start a readout.
 *
 * Redis is never the only copy: a caption is on disk before its 202, and the mirror follows
 * within MIRROR_DELAY_MS. A readout not mirrored yet when its process died plays when that
 * process restarts. Writes that fail (Redis away) trigger a full resync on the next beat.
 *
 * The one exception to "the mirror follows": an overlay's playback:end for one of this
 * process's readouts leaves the mirror *before* the queue records it as played (`ending`).
 * Otherwise a process killed between its commit and the batched removal would leave a readout
 * the audience heard to the end in its mirror, and a process that did not see that ack (one
 * started after it, or one that missed it) would take it over and play it again in full.
 */
import type { Observable, Subscription } from 'rxjs';
import type { Logger } from '../../server/src/core/logger.ts';
import type { PanelScaleOutStatus } from '../../server/src/core/protocol.ts';
import type { PendingReadout, Utterance } from '../../server/src/core/types.ts';
import type { RedisClient } from './redis-clients.ts';
import { parsePendingReadout } from './pending-readout-json.ts';

/** The queue as the handoff sees it (DurableQueue fits). */
export interface HandoffQueue {
  readonly changes$: Observable<Pick<Utterance, 'id' | 'state'>>;
  pendingReadouts(): PendingReadout[];
  pendingReadout(id: string): PendingReadout | undefined;
  /** Queues readouts taken over from another process (as played when `heard`); returns the ones added. */
  adopt(readouts: readonly PendingReadout[], heard: (id: string) => boolean): readonly unknown[];
}

export interface QueueHandoffOptions {
  redis: RedisClient;
  /** Stable per data dir, so a restarted process is recognised as the same owner. */
  ownerId: string;
  queue: HandoffQueue;
  /**
   * playback:end acks from overlays, for any process's readouts: one that an overlay finished
   * just before its process died is recorded as played when taken over, not played again.
   */
  endAcks$: Observable<string>;
  /** Readouts this process had while presumed dead and another one took over: stop and drop them here. */
  release(ids: readonly string[], reason: string): void;
  /** Lease time-to-live; renewed every third of it. */
  leaseMs: number;
  log: Logger;
  /** Readouts taken over from another process. */
  onAdopted?(count: number): void;
  /**
   * True when this process's lease may have run out (Redis unreachable): it must not start
   * readouts another process may be taking over; false once the lease is renewed and whatever
   * was taken meanwhile is dropped here.
   */
  onFenced?(fenced: boolean): void;
  /** Key namespace; every process of one relay uses the same. Default 'cosy-relay'. */
  keyPrefix?: string;
}

export interface QueueHandoff {
  readonly ownerId: string;
  /** For the panel: whether readouts are held for want of the lease, and how many were taken over. */
  status(): PanelScaleOutStatus;
  /**
   * An overlay acked the end of readout `id`: call before the queue records it, and record it
   * once this settles. For one of this process's mirrored readouts it takes it out of the Redis
   * mirror first (waiting at most ENDING_WAIT_MS: an ack is never lost to a slow Redis), so no
   * other process can take over, and replay, a readout this process recorded as heard.
   * Undefined when there is nothing to wait for (not mirrored here): record it at once.
   */
  ending(id: string): Promise<void> | undefined;
  /** Stops renewing and gives the lease up at once, so another process takes the queue over now. */
  stop(): Promise<void>;
}

export const TAKEN_OVER_REASON = 'taken over by another relay process';
/** Changes are mirrored in batches this far apart. */
const MIRROR_DELAY_MS = 10;
/** Ids changed and not yet mirrored, at most; past it the next beat resyncs everything. */
const MAX_DIRTY = 10_000;
/** Share of the lease after which a process that could not renew it stops starting readouts. */
const FENCE_AT_LEASE_SHARE = 0.75;
/** Recent playback:end acks remembered (oldest forgotten first). */
const MAX_HEARD = 10_000;
/** How long an end ack of an own readout waits for its removal from the mirror, at most. */
const ENDING_WAIT_MS = 250;

/**
 * KEYS: the dead owner's lease, its mirror, the adopter's mirror, the dead owner's taken-over
 * set, the owner set. ARGV: the dead owner's id. Moves every mirrored readout to the adopter,
 * unless the lease is alive again. Returns [id, json, id, json, …].
 */
const ADOPT_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
local items = redis.call('HGETALL', KEYS[2])
for i = 1, #items, 2 do
  redis.call('HSET', KEYS[3], items[i], items[i + 1])
  redis.call('SADD', KEYS[4], items[i])
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[5], ARGV[1])
return items
`;

export async function startQueueHandoff(options: QueueHandoffOptions): Promise<QueueHandoff> {
  const { redis, ownerId, queue, log, leaseMs } = options;
  // One hash slot ({…}) for every key, so the script's keys may live on one Redis Cluster node.
  const prefix = `{${options.keyPrefix ?? 'cosy-relay'}}`;
  const key = {
    owners: `${prefix}:owners`,
    lease: (owner: string) => `${prefix}:lease:${owner}`,
    mirror: (owner: string) => `${prefix}:pending:${owner}`,
    takenOver: (owner: string) => `${prefix}:taken-over:${owner}`,
  };
  /** Ids this process has in its Redis mirror (bounded by its unfinished readouts). */
  let mirrored = new Set<string>();
  /** Changed ids waiting to be mirrored: id → whether it is still unfinished. */
  const dirty = new Map<string, boolean>();
  let resyncNeeded = true;
  let takenOver = 0;
  const heard = new Set<string>();
  const isHeard = (id: string) => heard.has(id);
  let stopped = false;
  /**
   * Own readouts an overlay finished, taken out of the mirror ahead of their commit: until the
   * queue reports them finished, neither a flush nor a resync may mirror them again.
   */
  const ending = new Map<string, Promise<void>>();

  /** Redis work runs one step at a time, in order. */
  let chain: Promise<void> = Promise.resolve();
  const serially = (step: () => Promise<void>) => {
    chain = chain.then(step).catch((err: Error) => {
      resyncNeeded = true;
      log.warn({ err: err.message }, 'queue handoff: redis step failed; resyncing on the next beat');
    });
    return chain;
  };

  /** Makes the Redis mirror equal this process's unfinished readouts; queues what was taken over but never queued here. */
  const resync = async () => {
    dirty.clear(); // everything is compared below
    const remote = await redis.hGetAll(key.mirror(ownerId));
    const here = queue.pendingReadouts();
    const known = new Set(here.map((r) => r.id));
    const notHere = Object.entries(remote).filter(([id]) => !known.has(id));
    const added = queue.adopt(notHere.flatMap(([id, json]) => parseOrLog(id, json)), isHeard); // finished ones here are ignored
    const current = added.length > 0 ? queue.pendingReadouts() : here;
    const currentIds = new Set(current.map((r) => r.id));
    const stale = Object.keys(remote).filter((id) => !currentIds.has(id));
    const missing = current.filter((r) => !(r.id in remote) && !ending.has(r.id));
    const tx = redis.multi();
    if (stale.length > 0) tx.hDel(key.mirror(ownerId), stale);
    if (missing.length > 0) tx.hSet(key.mirror(ownerId), Object.fromEntries(missing.map((r) => [r.id, JSON.stringify(r)])));
    await tx.exec();
    mirrored = new Set([...currentIds].filter((id) => !ending.has(id)));
    resyncNeeded = false;
  };

  const parseOrLog = (id: string, json: string): PendingReadout[] => {
    const readout = parsePendingReadout(id, json);
    if (readout) return [readout];
    log.error({ id }, 'queue handoff: a mirrored readout is unreadable and cannot be taken over');
    return [];
  };

  const flush = async () => {
    const tx = redis.multi();
    let writes = 0;
    for (const [id, unfinished] of dirty) {
      const readout = unfinished && !mirrored.has(id) && !ending.has(id) ? queue.pendingReadout(id) : undefined;
      if (readout) {
        tx.hSet(key.mirror(ownerId), id, JSON.stringify(readout));
        mirrored.add(id);
        writes += 1;
      } else if (!unfinished && mirrored.delete(id)) {
        tx.hDel(key.mirror(ownerId), id);
        writes += 1;
      }
    }
    dirty.clear();
    if (writes > 0) await tx.exec();
  };

  /** Takes over the readouts of every owner whose lease ran out. */
  const adoptOrphans = async () => {
    const owners = await redis.sMembers(key.owners);
    for (const dead of owners.filter((o) => o !== ownerId)) {
      // The script leaves an owner whose lease is alive alone.
      const flat = (await redis.eval(ADOPT_LUA, {
        keys: [key.lease(dead), key.mirror(dead), key.mirror(ownerId), key.takenOver(dead), key.owners],
        arguments: [dead],
      })) as string[];
      if (flat.length === 0) continue;
      const readouts: PendingReadout[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) readouts.push(...parseOrLog(flat[i]!, flat[i + 1]!));
      readouts.forEach((r) => mirrored.add(r.id)); // the script put them in this process's mirror
      try {
        queue.adopt(readouts, isHeard);
      } catch (err) {
        resyncNeeded = true; // they are in this process's mirror: the resync queues them
        throw err;
      }
      log.warn({ from: dead, readouts: readouts.length }, 'took over the readouts of a relay process whose lease ran out');
      takenOver += readouts.length;
      options.onAdopted?.(readouts.length);
    }
  };

  /** Readouts another process took over while this one's lease had run out. */
  const releaseTakenOver = async () => {
    const ids = await redis.sMembers(key.takenOver(ownerId));
    if (ids.length === 0) return;
    log.warn({ readouts: ids.length }, 'another relay process took over readouts of this one; dropping them here');
    options.release(ids, TAKEN_OVER_REASON);
    await redis.sRem(key.takenOver(ownerId), ids);
    resyncNeeded = true; // the other process emptied this one's mirror
  };

  /** When the last renewal that got through was sent: the lease lasts at least leaseMs from then. */
  let renewedAtMs = -Infinity;
  let fenced = false;
  let fenceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Fences (or unfences) as the time since the last renewal says, and checks again when that can change. */
  const checkFence = () => {
    clearTimeout(fenceTimer);
    const leftMs = renewedAtMs + leaseMs * FENCE_AT_LEASE_SHARE - Date.now();
    if (leftMs > 0) {
      fenceTimer = setTimeout(checkFence, leftMs + 1); // a timer may fire a little early: this re-checks
      fenceTimer.unref();
    }
    if (leftMs > 0 !== fenced) return;
    fenced = leftMs <= 0;
    if (fenced) log.warn({ leaseMs }, 'queue handoff: cannot renew the lease; holding readouts until Redis answers');
    else log.info('queue handoff: lease renewed; readouts resume');
    options.onFenced?.(fenced);
  };

  const beat = async () => {
    const sentAtMs = Date.now();
    await redis.set(key.lease(ownerId), String(sentAtMs), { PX: leaseMs });
    await redis.sAdd(key.owners, ownerId);
    await releaseTakenOver();
    renewedAtMs = sentAtMs;
    checkFence(); // and on time from now on, even if the beats stall
    if (resyncNeeded) await resync();
    await adoptOrphans();
  };

  let beating = false;
  const beatOnce = () => {
    if (beating || stopped) return;
    beating = true;
    void serially(beat).finally(() => (beating = false));
  };

  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const changes: Subscription = queue.changes$.subscribe(({ id, state }) => {
    const unfinished = state === 'queued' || state === 'synthesizing' || state === 'playing';
    if (!unfinished) ending.delete(id);
    dirty.set(id, unfinished);
    if (dirty.size > MAX_DIRTY) {
      dirty.clear();
      resyncNeeded = true;
      return;
    }
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      if (!resyncNeeded) void serially(flush);
    }, MIRROR_DELAY_MS);
  });

  const acks: Subscription = options.endAcks$.subscribe((id) => {
    heard.delete(id);
    heard.add(id);
    if (heard.size > MAX_HEARD) heard.delete(heard.values().next().value!);
  });

  await serially(beat);
  checkFence(); // fenced from the start when the first renewal failed
  const timer = setInterval(beatOnce, Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();
  log.info({ ownerId, leaseMs }, 'queue handoff on: readouts of a stopped relay process are taken over by a live one');

  return {
    ownerId,
    status: () => ({ ownerId, fenced, takenOver }),
    ending(id) {
      const already = ending.get(id); // a second overlay's ack waits for the same removal
      if (already) return already;
      // Unfinished and mirrored here; anything else leaves the mirror with the next flush.
      if (stopped || !mirrored.has(id) || !queue.pendingReadout(id)) return undefined;
      mirrored.delete(id);
      dirty.delete(id);
      const removed = redis.hDel(key.mirror(ownerId), id).then(
        () => undefined,
        (err: Error) => {
          resyncNeeded = true;
          log.warn({ id, err: err.message }, 'queue handoff: cannot take a finished readout out of the mirror; resyncing on the next beat');
        },
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = Promise.race([removed, new Promise<void>((resolve) => (timer = setTimeout(resolve, ENDING_WAIT_MS)))]).finally(() =>
        clearTimeout(timer),
      );
      ending.set(id, waited);
      return waited;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(fenceTimer);
      changes.unsubscribe();
      acks.unsubscribe();
      if (flushTimer) clearTimeout(flushTimer);
      await serially(async () => {
        if (!resyncNeeded) await flush();
        await redis.del(key.lease(ownerId));
      });
    },
  };
}
