export { createYouTubeSource, type YouTubeSourceOptions } from './youtube-source.ts';
export { DEFAULT_YOUTUBE_TRIGGERS, type YouTubeTriggers } from './youtube-messages.ts';
export { YOUTUBE_API_URL } from './youtube-api.ts';
