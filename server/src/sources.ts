/** Builds the configured caption sources; each is off until its settings are given. */
import type { Config } from './config.ts';
import type { Logger } from './core/logger.ts';
import type { CaptionSource } from './core/source.ts';
import { createAsrIngest, type AsrIngest } from '../../plugin/source-asr/index.ts';
import { createBilibiliSource } from '../../plugin/source-bilibili/index.ts';
import { createTwitchSource } from '../../plugin/source-twitch/index.ts';

export interface ConfiguredSources {
  chat: CaptionSource[];
  asr: AsrIngest;
}

export function createConfiguredSources(config: Config, token: string, log: Logger): ConfiguredSources {
  const chat: CaptionSource[] = [];
  if (config.TWITCH_CHANNEL) {
    chat.push(
      createTwitchSource({
        channel: config.TWITCH_CHANNEL,
        url: config.TWITCH_IRC_URL,
        auth:
          config.TWITCH_USERNAME && config.TWITCH_OAUTH_TOKEN
            ? { username: config.TWITCH_USERNAME, oauthToken: config.TWITCH_OAUTH_TOKEN }
            : undefined,
        triggers: {
          commandPrefix: config.TWITCH_COMMAND_PREFIX || null,
          allMessages: config.TWITCH_READ_ALL,
          minBits: config.TWITCH_MIN_BITS > 0 ? config.TWITCH_MIN_BITS : null,
          rewardIds: config.TWITCH_REWARD_IDS,
          subs: config.TWITCH_READ_SUBS,
        },
        logger: log.child({ source: 'twitch' }),
      }),
    );
  }
  if (config.BILIBILI_ROOM_ID) {
    chat.push(
      createBilibiliSource({
        roomId: config.BILIBILI_ROOM_ID,
        url: config.BILIBILI_URL,
        uid: config.BILIBILI_UID,
        key: config.BILIBILI_KEY,
        triggers: {
          minGiftCny: config.BILIBILI_MIN_GIFT_CNY > 0 ? config.BILIBILI_MIN_GIFT_CNY : null,
          minSuperChatCny: config.BILIBILI_MIN_SUPERCHAT_CNY,
        },
        logger: log.child({ source: 'bilibili' }),
      }),
    );
  }
  const asr = createAsrIngest({ token, voiceFinals: config.ASR_VOICE_FINALS, logger: log.child({ source: 'asr' }) });
  return { chat, asr };
}
