export { connectRedis, type RedisClient, type RedisScaleOut } from './redis-clients.ts';
export { createSharedUpstreamLimiter, type SharedUpstreamLimiter, type SharedUpstreamLimiterOptions } from './shared-upstream-limiter.ts';
