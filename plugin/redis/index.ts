export { loadOwnerId } from './owner-id.ts';
export { startQueueHandoff, TAKEN_OVER_REASON, type HandoffQueue, type QueueHandoff, type QueueHandoffOptions } from './queue-handoff.ts';
export { connectRedis, type RedisClient, type RedisScaleOut } from './redis-clients.ts';
export { createSharedUpstreamLimiter, type SharedUpstreamLimiter, type SharedUpstreamLimiterOptions } from './shared-upstream-limiter.ts';
