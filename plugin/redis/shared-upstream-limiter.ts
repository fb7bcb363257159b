/**
 * The upstream quota shared by every relay process through Redis: one token bucket for task
 * submissions and one set of concurrency leases, updated atomically by Lua scripts on the
 * Redis server's clock. A lease expires unless its holder renews it, so a killed process
 * cannot hold quota forever. Waiting is local and bounded (UpstreamQueueFullError past it).
 *
 * Spare grants (pre-started tasks) never keep a readout waiting anywhere in the cluster: a
 * readout waiting in any process is registered in a waiters set (an entry it refreshes while
 * it waits); no spare grant is given while that set is not empty, and a process holding
 * spare grants checks it every `giveWayCheckMs` (and at once when one of its own readouts
 * starts waiting): when more readouts wait than free slots and grants already giving way can
 * serve, one spare lease per missing slot is marked as giving way (atomically, so two
 * processes never both give way for one waiter) and its work is told to give its slot back.
 */
import { randomUUID } from 'node:crypto';
import type { createClient } from 'redis';
import type { ReleaseUpstream, SpareWork, UpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
import { SynthesisCancelledError, UpstreamQueueFullError } from '../../server/src/core/engine-kit/resilience-errors.ts';

type RedisClient = ReturnType<typeof createClient>;

export interface SharedUpstreamLimiterOptions {
  redis: RedisClient;
  /** Key prefix; processes sharing one quota use the same one (e.g. per API key + model). */
  keyPrefix: string;
  tasksPerS: number;
  maxConcurrency: number;
  /** Share of each quota used, across all processes together (default 0.8). */
  utilization?: number;
  /** A lease not renewed for this long is reclaimed (default 10 s). */
  leaseTtlMs?: number;
  /** Local waiters at most, readouts and spare work each (default 256). */
  maxWaiting?: number;
  /** Longest pause between two tries while waiting (default 50 ms). */
  maxPollMs?: number;
  /** How often a process holding spare grants asks whether a readout elsewhere needs one (default 100 ms). */
  giveWayCheckMs?: number;
}

/** A waiting readout's entry lives this long unless refreshed by its next try (every ≤ maxPollMs). */
const WAITER_TTL_MS = 1_000;

/** Lua that sets `now` to the Redis server's clock in ms (every script starts with it: one clock for every process). */
const NOW_MS_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS[1] bucket hash {tokens, atMs}, KEYS[2] lease zset (member → expiry ms), KEYS[3] waiting
 * readouts zset (member → expiry ms). ARGV: ratePerS, burst, concurrency, leaseId, leaseTtlMs,
 * kind ('readout' | 'spare'), waiterTtlMs. A readout not granted registers (or refreshes) itself
 * as waiting; spare work is not granted while any readout waits.
 * Returns 0 when granted, else the ms to wait before trying again.
 */
const ACQUIRE_LUA = `${NOW_MS_LUA}
local rate, burst, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local readout = ARGV[6] == 'readout'
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if readout then
  redis.call('ZADD', KEYS[3], now + tonumber(ARGV[7]), ARGV[4])
  redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[7]))
elseif redis.call('ZCARD', KEYS[3]) > 0 then
  return 50
end
if redis.call('ZCARD', KEYS[2]) >= cap then
  local soonest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return math.max(1, math.min(tonumber(soonest[2]) - now, 50))
end
local b = redis.call('HMGET', KEYS[1], 'tokens', 'atMs')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
if tokens < 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'atMs', now)
  return math.max(1, math.ceil((1 - tokens) * 1000 / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'atMs', now)
redis.call('PEXPIRE', KEYS[1], 60000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
redis.call('PEXPIRE', KEYS[2], 60000 + tonumber(ARGV[5]))
if readout then redis.call('ZREM', KEYS[3], ARGV[4]) end
return 0
`;

/** KEYS[1] lease zset. ARGV: leaseId, leaseTtlMs. Renews a lease still held (XX: never re-creates one). */
const RENEW_LUA = `${NOW_MS_LUA}
return redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1])
`;

/**
 * KEYS[1] lease zset, KEYS[2] waiting readouts zset, KEYS[3] leases giving way (member →
 * expiry ms). ARGV: concurrency, leaseTtlMs, then the caller's spare lease ids, in the order
 * it would give them up. Marks as many of them as giving way as readouts wait beyond the free
 * slots and the leases already giving way; returns those ids.
 */
const GIVE_WAY_LUA = `${NOW_MS_LUA}
for i = 1, 3 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end
local free = tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1])
local needed = redis.call('ZCARD', KEYS[2]) - math.max(0, free) - redis.call('ZCARD', KEYS[3])
local chosen = {}
for i = 3, #ARGV do
  if needed <= 0 then break end
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[i])
    redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[2]))
    chosen[#chosen + 1] = ARGV[i]
    needed = needed - 1
  end
end
return chosen
`;

export interface SharedUpstreamLimiter extends UpstreamLimiter {
  /** Readouts of this process waiting. */
  readonly waiting: number;
}

export function createSharedUpstreamLimiter(options: SharedUpstreamLimiterOptions): SharedUpstreamLimiter {
  const { redis } = options;
  const utilization = options.utilization ?? 0.8;
  const ratePerS = options.tasksPerS * utilization;
  const concurrency = Math.max(1, Math.floor(options.maxConcurrency * utilization + 1e-9));
  const leaseTtlMs = options.leaseTtlMs ?? 10_000;
  const maxWaiting = options.maxWaiting ?? 256;
  const maxPollMs = options.maxPollMs ?? 50;
  const giveWayCheckMs = options.giveWayCheckMs ?? 100;
  const bucketKey = `${options.keyPrefix}:bucket`;
  const leasesKey = `${options.keyPrefix}:leases`;
  const waitersKey = `${options.keyPrefix}:waiters`;
  const givingWayKey = `${options.keyPrefix}:giving-way`;
  const waiting = { readout: 0, spare: 0 };
  /** This process's spare grants (lease id → work), newest last; those marked giving way are out of it. */
  const spares = new Map<string, SpareWork>();
  let giveWayTimer: ReturnType<typeof setInterval> | undefined;
  let checking = false;

  const tryAcquire = async (leaseId: string, kind: 'readout' | 'spare'): Promise<number> =>
    Number(
      await redis.eval(ACQUIRE_LUA, {
        keys: [bucketKey, leasesKey, waitersKey],
        arguments: [String(ratePerS), '1', String(concurrency), leaseId, String(leaseTtlMs), kind, String(WAITER_TTL_MS)],
      }),
    );

  /** Ask Redis which of our spare leases should give way, and tell their work. */
  const checkGiveWay = async (): Promise<void> => {
    if (checking || spares.size === 0) return;
    checking = true;
    try {
      const candidates = [...spares.keys()].reverse();
      const chosen = (await redis.eval(GIVE_WAY_LUA, {
        keys: [leasesKey, waitersKey, givingWayKey],
        arguments: [String(concurrency), String(leaseTtlMs), ...candidates],
      })) as string[];
      for (const leaseId of chosen) {
        const work = spares.get(leaseId);
        spares.delete(leaseId);
        // No longer spare (a readout took it over): unmark it; the next check asks another.
        if (!work?.giveWay()) await redis.zRem(givingWayKey, leaseId);
      }
    } catch {
      // Redis away: the next check tries again.
    } finally {
      checking = false;
      watchSpares();
    }
  };

  /** Check while we hold spare grants, and only then. */
  const watchSpares = () => {
    if (spares.size > 0 && !giveWayTimer) {
      giveWayTimer = setInterval(() => void checkGiveWay(), giveWayCheckMs);
      giveWayTimer.unref();
    } else if (spares.size === 0 && giveWayTimer) {
      clearInterval(giveWayTimer);
      giveWayTimer = undefined;
    }
  };

  const holdLease = (leaseId: string): ReleaseUpstream => {
    const renew = setInterval(() => {
      void redis.eval(RENEW_LUA, { keys: [leasesKey], arguments: [leaseId, String(leaseTtlMs)] }).catch(() => {});
    }, leaseTtlMs / 3);
    renew.unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearInterval(renew);
      spares.delete(leaseId);
      watchSpares();
      void redis.zRem(leasesKey, leaseId).catch(() => {});
      void redis.zRem(givingWayKey, leaseId).catch(() => {});
    };
  };

  const acquire = async (kind: 'readout' | 'spare', signal: AbortSignal | undefined, work?: SpareWork): Promise<ReleaseUpstream> => {
    if (signal?.aborted) throw new SynthesisCancelledError();
    if (waiting[kind] >= maxWaiting) throw new UpstreamQueueFullError(maxWaiting);
    waiting[kind] += 1;
    const leaseId = randomUUID();
    try {
      for (let tries = 0; ; tries += 1) {
        const waitMs = await tryAcquire(leaseId, kind);
        if (signal?.aborted) {
          if (waitMs === 0) await redis.zRem(leasesKey, leaseId);
          else if (kind === 'readout') await redis.zRem(waitersKey, leaseId);
          throw new SynthesisCancelledError('cancelled while waiting for upstream quota');
        }
        if (waitMs === 0) {
          const release = holdLease(leaseId);
          if (work) {
            spares.set(leaseId, work);
            watchSpares();
          }
          return release;
        }
        // One of our readouts starts waiting: our own spare grants need not wait for the next check.
        if (kind === 'readout' && tries === 0) void checkGiveWay();
        await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, maxPollMs)));
      }
    } finally {
      waiting[kind] -= 1;
    }
  };

  return {
    get waiting() {
      return waiting.readout;
    },
    acquire: (signal) => acquire('readout', signal),
    acquireSpare: (work, signal) => acquire('spare', signal, work),
  };
}
