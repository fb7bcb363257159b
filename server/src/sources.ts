/**
 * Builds the configured caption sources: chat sources once their settings are given, the
 * ASR text feed and the audio feed (recognized by `recognizer`; refused while it is off) always.
 */
import type { Config } from './config.ts';
import type { Logger } from './core/logger.ts';
import type { CaptionSource } from './core/source.ts';
import { createAsrSource, createAudioSource, type AudioSource } from '../../plugin/source-asr/index.ts';
import type { RecognizerEngine } from './core/recognizer.ts';
import { createBilibiliSource } from '../../plugin/source-bilibili/index.ts';
import { createKickSource } from '../../plugin/source-kick/index.ts';
import { createTwitchEventSubSource, createTwitchSource } from '../../plugin/source-twitch/index.ts';
import { createYouTubeSource } from '../../plugin/source-youtube/index.ts';

/** A threshold setting where 0 means the trigger is off. */
const offWhenZero = (n: number): number | null => (n > 0 ? n : null);

/** Each source names itself in its log lines (`source`), so each gets the relay's logger as is. */
export function createConfiguredSources(
  config: Config,
  token: string,
  log: Logger,
  recognizer: RecognizerEngine | undefined,
): { sources: CaptionSource[]; speech: AudioSource } {
  const sources: CaptionSource[] = [];
  if (config.TWITCH_CHANNEL) {
    const triggers = {
      commandPrefix: config.TWITCH_COMMAND_PREFIX || null,
      allMessages: config.TWITCH_READ_ALL,
      minBits: offWhenZero(config.TWITCH_MIN_BITS),
      rewardIds: config.TWITCH_REWARD_IDS,
      subs: config.TWITCH_READ_SUBS,
      subGifts: config.TWITCH_READ_SUB_GIFTS,
      raids: config.TWITCH_READ_RAIDS,
      announcements: config.TWITCH_READ_ANNOUNCEMENTS,
    };
    const eventSub =
      (config.TWITCH_EVENTSUB ?? true) && config.TWITCH_OAUTH_TOKEN && config.TWITCH_CLIENT_ID
        ? createTwitchEventSubSource({
            channel: config.TWITCH_CHANNEL,
            clientId: config.TWITCH_CLIENT_ID,
            oauthToken: config.TWITCH_OAUTH_TOKEN,
            triggers: { ...triggers, follows: config.TWITCH_READ_FOLLOWS },
            url: config.TWITCH_EVENTSUB_URL,
            helixUrl: config.TWITCH_HELIX_URL,
            idUrl: config.TWITCH_ID_URL,
            logger: log,
          })
        : undefined;
    if (eventSub) sources.push(eventSub);
    sources.push(
      createTwitchSource({
        channel: config.TWITCH_CHANNEL,
        url: config.TWITCH_IRC_URL,
        auth:
          config.TWITCH_USERNAME && config.TWITCH_OAUTH_TOKEN
            ? { username: config.TWITCH_USERNAME, oauthToken: config.TWITCH_OAUTH_TOKEN }
            : undefined,
        triggers,
        ...(eventSub ? { coveredByEventSub: eventSub.covers } : {}),
        logger: log,
      }),
    );
  }
  if (config.BILIBILI_ROOM_ID) {
    sources.push(
      createBilibiliSource({
        roomId: config.BILIBILI_ROOM_ID,
        url: config.BILIBILI_URL,
        uid: config.BILIBILI_UID,
        key: config.BILIBILI_KEY,
        triggers: {
          minGiftCny: offWhenZero(config.BILIBILI_MIN_GIFT_CNY),
          minSuperChatCny: config.BILIBILI_MIN_SUPERCHAT_CNY,
          minGuardCny: config.BILIBILI_READ_GUARDS ? config.BILIBILI_MIN_GUARD_CNY : null,
        },
        logger: log,
      }),
    );
  }
  if (config.YOUTUBE_VIDEO_ID || config.YOUTUBE_CHANNEL_ID) {
    sources.push(
      createYouTubeSource({
        videoId: config.YOUTUBE_VIDEO_ID,
        channelId: config.YOUTUBE_CHANNEL_ID,
        apiKey: config.YOUTUBE_API_KEY,
        oauthToken: config.YOUTUBE_OAUTH_TOKEN,
        url: config.YOUTUBE_API_URL,
        triggers: {
          commandPrefix: config.YOUTUBE_COMMAND_PREFIX || null,
          allMessages: config.YOUTUBE_READ_ALL,
          minSuperChatUsd: config.YOUTUBE_MIN_SUPERCHAT,
          memberships: config.YOUTUBE_READ_MEMBERSHIPS,
          milestones: config.YOUTUBE_READ_MILESTONES,
          giftMemberships: config.YOUTUBE_READ_GIFT_MEMBERSHIPS,
          giftReceived: config.YOUTUBE_READ_GIFT_RECEIVED,
        },
        dailyQuotaUnits: config.YOUTUBE_DAILY_QUOTA_UNITS,
        streamHours: config.YOUTUBE_STREAM_HOURS,
        liveSearchIntervalMs: config.YOUTUBE_LIVE_SEARCH_MINUTES * 60_000,
        logger: log,
      }),
    );
  }
  if (config.KICK_CHANNEL || config.KICK_CHATROOM_ID) {
    sources.push(
      createKickSource({
        channel: config.KICK_CHANNEL,
        chatroomId: config.KICK_CHATROOM_ID,
        channelId: config.KICK_CHANNEL_ID,
        url: config.KICK_PUSHER_URL,
        apiUrl: config.KICK_API_URL,
        triggers: {
          commandPrefix: config.KICK_COMMAND_PREFIX || null,
          allMessages: config.KICK_READ_ALL,
          subs: config.KICK_READ_SUBS,
          minGiftedSubs: offWhenZero(config.KICK_MIN_GIFTED_SUBS),
          minKicks: offWhenZero(config.KICK_MIN_KICKS),
        },
        logger: log,
      }),
    );
  }
  sources.push(createAsrSource({ token, voiceFinals: config.ASR_VOICE_FINALS, logger: log }));
  const speech = createAudioSource({
    token,
    recognizer,
    ...(config.ASR_LANGUAGE_HINTS[0] !== undefined && { lang: config.ASR_LANGUAGE_HINTS[0] }),
    voiceFinals: config.ASR_VOICE_FINALS,
    logger: log,
  });
  sources.push(speech);
  return { sources, speech };
}
