/**
 * Redis connections for scale-out (the packages are imported on first use): one command
 * client (shared quota and queue handoff) and the pub/sub pair the Socket.IO adapter needs.
 * Connection errors are logged, not thrown: node-redis reconnects by itself with backoff.
 */
import type { createAdapter } from '@socket.io/redis-adapter';
import type { createClient } from 'redis';
import type { Logger } from '../../server/src/core/logger.ts';

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisScaleOut {
  client: RedisClient;
  /** Socket.IO adapter: events emitted on one process reach sockets of every process. */
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

export async function connectRedis(url: string, log: Logger): Promise<RedisScaleOut> {
  // Loaded only with RELAY_REDIS_URL: the redis client costs ~20 MB of heap at start-up.
  const [{ createClient }, { createAdapter }] = await Promise.all([import('redis'), import('@socket.io/redis-adapter')]);
  const client = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5_000) } });
  const pub = client.duplicate();
  const sub = client.duplicate();
  for (const [name, c] of [['command', client], ['pub', pub], ['sub', sub]] as const) {
    c.on('error', (err: Error) => log.warn({ connection: name, err: err.message }, 'redis connection error'));
  }
  await Promise.all([client.connect(), pub.connect(), sub.connect()]);
  return {
    client,
    adapter: createAdapter(pub, sub, { key: 'cosy-relay' }),
    async close() {
      await Promise.all([client, pub, sub].map((c) => c.quit().catch(() => c.disconnect().catch(() => {}))));
    },
  };
}
