export { createTwitchSource, TWITCH_IRC_URL, type TwitchSourceOptions } from './twitch-source.ts';
export { DEFAULT_TWITCH_TRIGGERS, type TwitchTriggers } from './twitch-events.ts';
export { createTwitchEventSubSource, TWITCH_EVENTSUB_URL, type TwitchEventSubOptions, type TwitchEventSubSource } from './eventsub-source.ts';
