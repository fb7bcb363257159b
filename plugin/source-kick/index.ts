export { createKickSource, KICK_PUSHER_URL, type KickSourceOptions } from './kick-source.ts';
export { KICK_API_URL } from './channel-lookup.ts';
export { DEFAULT_KICK_TRIGGERS, type KickTriggers } from './kick-events.ts';
