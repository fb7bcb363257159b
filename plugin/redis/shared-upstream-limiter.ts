/**
 * The upstream quota shared by every relay process through Redis: one token bucket for task
 * submissions and one set of concurrency leases, updated atomically by a Lua script on the
 * Redis server's clock. A lease expires unless its holder renews it, so a killed process
 * cannot hold quota forever. Waiting is local and bounded (UpstreamQueueFullError past it).
 */
import { randomUUID } from 'node:crypto';
import type { createClient } from 'redis';
import type { ReleaseUpstream, UpstreamLimiter } from '../../server/src/core/engine-kit/upstream-limiter.ts';
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
  /** Local waiters at most (default 256). */
  maxWaiting?: number;
  /** Longest pause between two tries while waiting (default 50 ms). */
  maxPollMs?: number;
}

/**
 * KEYS[1] bucket hash {tokens, atMs}, KEYS[2] lease zset (member → expiry ms).
 * ARGV: ratePerS, burst, concurrency, leaseId, leaseTtlMs.
 * Returns 0 when granted, else the ms to wait before trying again.
 */
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, burst, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
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
return 0
`;

/** KEYS[1] lease zset. ARGV: leaseId, leaseTtlMs. Renews a lease still held (XX: never re-creates one). */
const RENEW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1])
`;

export interface SharedUpstreamLimiter extends UpstreamLimiter {
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
  const bucketKey = `${options.keyPrefix}:bucket`;
  const leasesKey = `${options.keyPrefix}:leases`;
  let waiting = 0;

  const tryAcquire = async (leaseId: string): Promise<number> =>
    Number(
      await redis.eval(ACQUIRE_LUA, {
        keys: [bucketKey, leasesKey],
        arguments: [String(ratePerS), '1', String(concurrency), leaseId, String(leaseTtlMs)],
      }),
    );

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
      void redis.zRem(leasesKey, leaseId).catch(() => {});
    };
  };

  return {
    get waiting() {
      return waiting;
    },
    /** The leases are counted in Redis, across processes: a wait is taken to mean the slots are taken. */
    concurrencyFull: () => true,
    async acquire(signal?: AbortSignal): Promise<ReleaseUpstream> {
      if (signal?.aborted) throw new SynthesisCancelledError();
      if (waiting >= maxWaiting) throw new UpstreamQueueFullError(maxWaiting);
      waiting += 1;
      const leaseId = randomUUID();
      try {
        for (;;) {
          const waitMs = await tryAcquire(leaseId);
          if (signal?.aborted) {
            if (waitMs === 0) await redis.zRem(leasesKey, leaseId);
            throw new SynthesisCancelledError('cancelled while waiting for upstream quota');
          }
          if (waitMs === 0) return holdLease(leaseId);
          await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, maxPollMs)));
        }
      } finally {
        waiting -= 1;
      }
    },
  };
}
