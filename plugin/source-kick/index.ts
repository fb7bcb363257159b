export { createKickSource, KICK_PUSHER_URL, type KickSourceOptions } from './kick-source.ts';
export { DEFAULT_KICK_TRIGGERS, type KickTriggers } from './kick-events.ts';
