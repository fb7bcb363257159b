/**
 * One zod schema for every setting, each with its meaning (`.describe()`: `--help` prints it).
 * Sources, lowest to highest precedence: defaults (the schema's, then the caller's),
 * a JSON config file (`--config file.json`), CLI flags (`--relay-port 9000` sets
 * RELAY_PORT), environment variables ("env wins", as ARCHITECTURE.md promises).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './core/errors.ts';

const commaList = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0));

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const ENGINE_NAMES = ['embedded', 'cosyvoice', 'cosyvoice-selfhost'] as const;
const ASR_ENGINE_NAMES = ['off', 'dashscope'] as const;
const DEFAULT_DASHSCOPE_URL = 'wss://dashscope.aliyuncs.com/api-ws/v1/inference';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

export const configSchema = z.object({
  RELAY_HOST: z.string().min(1).default('127.0.0.1').describe('listen address'),
  RELAY_PORT: port.default(8787).describe('listen port (0 = pick a free one; the real one is printed)'),
  RELAY_TOKEN: z.string().min(16, 'RELAY_TOKEN must be at least 16 characters').optional().describe('bearer token for /api and the panel, at least 16 characters (default: generated, saved in the data dir, printed)'),
  RELAY_OVERLAY_KEY: z.string().min(16, 'RELAY_OVERLAY_KEY must be at least 16 characters').optional().describe('read-only key for overlays, at least 16 characters (default: generated, saved, printed in the overlay URL)'),
  RELAY_DATA_DIR: z.string().min(1).default('./data').describe('queue, history, secrets, settings and voices'),
  RELAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('log level: fatal, error, warn, info, debug, trace, silent'),
  RELAY_MAX_TEXT_CHARS: positiveInt.default(500).describe('longest caption accepted, in characters; longer → 413'),
  RELAY_MAX_QUEUED: positiveInt.default(1000).describe('captions waiting or in flight at most; more → 429'),
  RELAY_DEDUPE_WINDOW_MS: z.coerce.number().int().min(0).default(10_000).describe('same text + user within this window → the first id (0 = off)'),
  RELAY_MAX_IN_FLIGHT: positiveInt.default(2).describe('utterances synthesizing or playing at once: the current one plus prefetched ones'),
  RELAY_AUDIO_CHUNK_MS: z.coerce.number().int().min(50).max(1000).default(200).describe('audio sent to overlays in chunks of about this length after the first one (which goes out at once); 50-1000'),
  RELAY_ACK_GRACE_MS: positiveInt.default(5_000).describe("added to an utterance's duration before the queue advances without an overlay's ack"),
  RELAY_REDIS_URL: z.string().url().optional().describe('redis://… : scale out across processes (Socket.IO adapter + shared upstream quota)'),
  RELAY_REDIS_LEASE_MS: z.coerce.number().int().min(300).default(5_000).describe('with Redis: a process silent this long is presumed gone and a live one takes its queue over'),
  TTS_ENGINE: commaList
    .default(['embedded'])
    .pipe(z.array(z.enum(ENGINE_NAMES)).min(1, 'TTS_ENGINE names no engine'))
    .describe(`${ENGINE_NAMES.join(', ')}; a comma list is a fallback chain`),
  EMBEDDED_RATE_WPM: positiveInt.default(175).describe('speaking rate of the embedded engine, words per minute'),
  COSYVOICE_API_KEY: z.string().optional().describe('DashScope API key of the cloud engine and of ASR_ENGINE=dashscope (DASHSCOPE_API_KEY is read when this is unset)'),
  DASHSCOPE_API_KEY: z.string().optional().describe('the same DashScope API key under its usual name; COSYVOICE_API_KEY wins when both are set'),
  COSYVOICE_URL: commaList.default([DEFAULT_DASHSCOPE_URL]).describe('DashScope WebSocket endpoints, tried in order'),
  COSYVOICE_MODEL: z.string().default('cosyvoice-v2').describe('cloud model'),
  COSYVOICE_VOICE: z.string().default('longxiaochun_v2').describe('cloud voice'),
  COSYVOICE_TASKS_PER_S: z.coerce.number().positive().default(3).describe("the account's task quota per second; the relay stays at or under 80% of it"),
  COSYVOICE_MAX_CONCURRENCY: positiveInt.default(3).describe("the account's concurrent task quota; the relay stays at or under 80% of it"),
  COSYVOICE_WORKSPACE: z.string().optional().describe('DashScope workspace id'),
  COSYVOICE_ENROLL_URL: z.string().optional().describe("voice cloning endpoint (default: https://<COSYVOICE_URL's host>/api/v1/services/audio/tts/customization)"),
  COSYVOICE_SAMPLE_RATE_HZ: z.coerce.number().pipe(z.union([z.literal(8000), z.literal(16000), z.literal(22050), z.literal(24000), z.literal(44100), z.literal(48000)], { error: 'expected one of 8000, 16000, 22050, 24000, 44100, 48000' })).default(24000).describe('cloud audio sample rate: 8000, 16000, 22050, 24000, 44100 or 48000'),
  COSYVOICE_FIRST_AUDIO_MS: positiveInt.default(800).describe('deadline for the first audio packet of a cloud task before retrying on the next endpoint'),
  COSYVOICE_POOL_MIN_IDLE: z.coerce.number().int().min(0).default(2).describe('warm DashScope connections kept open'),
  COSYVOICE_PRESTARTED_TASKS: z.coerce.number().int().min(0).default(1).describe('warm connections that also hold a started task for the default voice (0 = off)'),
  COSYVOICE_SELFHOST_URL: commaList.default(['http://127.0.0.1:50000']).describe('self-hosted CosyVoice FastAPI servers, tried in order'),
  COSYVOICE_SELFHOST_SPEAKER: z.string().default('中文女').describe('self-hosted preset speaker'),
  COSYVOICE_SELFHOST_SAMPLE_RATE_HZ: z.coerce.number().pipe(z.union([z.literal(22050), z.literal(24000)], { error: 'expected 22050 or 24000' })).default(22050).describe("the self-hosted model's sample rate: 22050 (v1) or 24000 (v2/v3)"),
  COSYVOICE_SELFHOST_INSTRUCT: z.enum(['instruct2', 'instruct', 'off']).optional().describe('how the self-hosted server applies an instruction: instruct2 (CosyVoice2/3, cloned voices), instruct (v1 -Instruct model, presets), off (default: by sample rate)'),
  TTS_FALLBACK_BUDGET_MS: positiveInt.default(1500).describe('in a fallback chain, how long an engine may take to its first audio before the next one speaks'),
  TWITCH_CHANNEL: z.string().min(1).optional().describe('Twitch channel to read (anonymous read-only login unless TWITCH_USERNAME and TWITCH_OAUTH_TOKEN are set)'),
  TWITCH_IRC_URL: z.string().url().optional().describe("Twitch IRC endpoint override (default: Twitch's; tests)"),
  TWITCH_USERNAME: z.string().min(1).optional().describe('optional Twitch chat login'),
  TWITCH_OAUTH_TOKEN: z.string().min(1).optional().describe('Twitch OAuth token of TWITCH_USERNAME'),
  TWITCH_COMMAND_PREFIX: z.string().default('!tts').describe('chat messages starting with this are read (empty = no command trigger)'),
  TWITCH_READ_ALL: bool.default(false).describe('read every chat message'),
  TWITCH_MIN_BITS: z.coerce.number().int().min(0).default(100).describe('cheers of at least this many bits are read as paid (0 = off)'),
  TWITCH_REWARD_IDS: commaList.default([]).describe('channel-point reward ids whose redemptions are read'),
  TWITCH_READ_SUBS: bool.default(true).describe('read sub / resub messages'),
  TWITCH_READ_SUB_GIFTS: bool.default(true).describe('read sub gifts (paid): one readout per gift or per community gift bomb'),
  TWITCH_READ_RAIDS: bool.default(false).describe('read incoming raids (off: an alert box usually announces them)'),
  TWITCH_READ_ANNOUNCEMENTS: bool.default(true).describe("read a moderator's /announce"),
  TWITCH_CLIENT_ID: z.string().min(1).optional().describe('client id of the Twitch app that made TWITCH_OAUTH_TOKEN (Helix needs it for EventSub)'),
  TWITCH_EVENTSUB: bool.optional().describe('read channel points, cheers, subs, raids, follows and moderation over EventSub (default: on when TWITCH_OAUTH_TOKEN and TWITCH_CLIENT_ID are set); IRC still reads chat'),
  TWITCH_READ_FOLLOWS: bool.default(false).describe('read new followers (EventSub; needs moderator:read:followers)'),
  TWITCH_EVENTSUB_URL: z.string().url().optional().describe("Twitch EventSub WebSocket override (default: Twitch's; tests)"),
  TWITCH_HELIX_URL: z.string().url().optional().describe("Twitch Helix API override (default: https://api.twitch.tv/helix; tests)"),
  TWITCH_ID_URL: z.string().url().optional().describe("Twitch OAuth override (default: https://id.twitch.tv/oauth2; tests)"),
  BILIBILI_ROOM_ID: z.coerce.number().int().positive().optional().describe('the real (long) Bilibili live room id'),
  BILIBILI_URL: z.string().url().optional().describe("Bilibili endpoint override (default: Bilibili's; tests)"),
  BILIBILI_UID: z.coerce.number().int().min(0).optional().describe('optional logged-in Bilibili viewer uid (otherwise names may be masked)'),
  BILIBILI_KEY: z.string().optional().describe("the getDanmuInfo token of BILIBILI_UID"),
  BILIBILI_MIN_GIFT_CNY: z.coerce.number().min(0).default(1).describe('gifts worth at least this many CNY are read as paid (0 = off)'),
  BILIBILI_MIN_SUPERCHAT_CNY: z.coerce.number().min(0).default(0).describe('super chats worth at least this many CNY are read'),
  BILIBILI_READ_GUARDS: bool.default(true).describe('read guard purchases (舰长/提督/总督) costing at least BILIBILI_MIN_GUARD_CNY'),
  BILIBILI_MIN_GUARD_CNY: z.coerce.number().min(0).default(0).describe('guard purchases worth at least this many CNY are read'),
  YOUTUBE_VIDEO_ID: z.string().min(1).optional().describe('YouTube live video whose chat is read (videos.list, 1 quota unit)'),
  YOUTUBE_CHANNEL_ID: z.string().min(1).optional().describe("YouTube channel (UC…) whose current live stream is read when YOUTUBE_VIDEO_ID is unset (search.list: 100 quota units a look, kept until that stream ends)"),
  YOUTUBE_API_KEY: z.string().min(1).optional().describe('YouTube Data API v3 key (public streams)'),
  YOUTUBE_OAUTH_TOKEN: z.string().min(1).optional().describe("OAuth access token (scope youtube.readonly) sent as a bearer token instead of the key: a channel's own unlisted streams"),
  YOUTUBE_API_URL: z.string().url().default('https://www.googleapis.com/youtube/v3').describe('YouTube Data API base URL (tests)'),
  YOUTUBE_COMMAND_PREFIX: z.string().default('!tts').describe('YouTube chat messages starting with this are read (empty = no command trigger)'),
  YOUTUBE_READ_ALL: bool.default(false).describe('read every YouTube chat message'),
  YOUTUBE_MIN_SUPERCHAT: z.coerce.number().min(0).default(1).describe('Super Chats and Super Stickers worth at least this many US dollars (converted at built-in approximate rates) are read as paid'),
  YOUTUBE_READ_MEMBERSHIPS: bool.default(true).describe('read new YouTube members and upgrades'),
  YOUTUBE_READ_MILESTONES: bool.default(true).describe('read YouTube membership milestone messages'),
  YOUTUBE_READ_GIFT_MEMBERSHIPS: bool.default(true).describe('read YouTube membership gifts (one readout per gift)'),
  YOUTUBE_READ_GIFT_RECEIVED: bool.default(false).describe('read each recipient of a gifted YouTube membership'),
  YOUTUBE_DAILY_QUOTA_UNITS: positiveInt.default(10_000).describe("the Google project's daily YouTube Data API quota, in units"),
  YOUTUBE_STREAM_HOURS: z.coerce.number().positive().default(4).describe('hours of streaming a day the quota must last: chat is polled no more often than that allows (4 h: every 7.2 s at most)'),
  YOUTUBE_LIVE_SEARCH_MINUTES: z.coerce.number().positive().default(15).describe('with YOUTUBE_CHANNEL_ID: how often to look for a live stream while there is none (100 units a look)'),
  KICK_CHANNEL: z.string().min(1).optional().describe('Kick channel (slug) to read, anonymously; its chatroom id is looked up at kick.com unless KICK_CHATROOM_ID is set'),
  KICK_CHATROOM_ID: z.coerce.number().int().positive().optional().describe('the Kick chatroom id (chatroom.id of kick.com/api/v2/channels/<slug>, open it in a browser): needed when Cloudflare refuses the lookup'),
  KICK_CHANNEL_ID: z.coerce.number().int().positive().optional().describe('the Kick channel id (id of the same page): KICKs gifts, when KICK_CHATROOM_ID is set'),
  KICK_PUSHER_URL: z.string().url().optional().describe("Kick's Pusher WebSocket override (default: Kick's public app on ws-us2.pusher.com; tests)"),
  KICK_API_URL: z.string().url().optional().describe('where the Kick channel lookup goes (default https://kick.com; tests)'),
  KICK_COMMAND_PREFIX: z.string().default('!tts').describe('Kick chat messages starting with this are read (empty = no command trigger)'),
  KICK_READ_ALL: bool.default(false).describe('read every Kick chat message'),
  KICK_READ_SUBS: bool.default(true).describe('read Kick subscriptions and the messages shared with resubs'),
  KICK_MIN_GIFTED_SUBS: z.coerce.number().int().min(0).default(1).describe('Kick gifted subs, at least this many at once, are read as paid (0 = off)'),
  KICK_MIN_KICKS: z.coerce.number().int().min(0).default(100).describe('KICKs gifts of at least this many KICKs (100 = 1 USD) are read as paid (0 = off)'),
  ASR_VOICE_FINALS: bool.default(false).describe('ASR finals are voiced too (voice relay mode), not only shown'),
  ASR_ENGINE: z.enum(ASR_ENGINE_NAMES).default('off').describe("speech recognition of the streamer's voice: off, or dashscope (DashScope real-time ASR, billed per second of audio while the captioner runs)"),
  ASR_URL: commaList.default([DEFAULT_DASHSCOPE_URL]).describe('DashScope WebSocket endpoints for recognition, tried in order'),
  ASR_MODEL: z.string().min(1).optional().describe('paraformer-realtime-v2 (default), fun-asr-realtime, or gummy-realtime-v1 (default when ASR_TRANSLATE_TO is set)'),
  ASR_LANGUAGE_HINTS: commaList.default([]).describe('languages spoken, e.g. zh,en (Paraformer language_hints; the first is Gummy\'s source language); empty = detect'),
  ASR_TRANSLATE_TO: commaList.default([]).describe('translate the recognized speech into these languages, e.g. en or en,ja (needs gummy-realtime-v1)'),
  ASR_VOCABULARY_ID: z.string().min(1).optional().describe('hot-word vocabulary id created in the DashScope console for ASR_MODEL (vocabulary_id)'),
  OBS_WEBSOCKET_URL: z.string().url().optional().describe('obs-websocket URL, e.g. ws://127.0.0.1:4455 (unset = no OBS integration)'),
  OBS_WEBSOCKET_PASSWORD: z.string().optional().describe('obs-websocket password'),
  OBS_SCENE: z.string().min(1).optional().describe('where the overlay source is created (default: the current program scene)'),
  OBS_SOURCE_NAME: z.string().min(1).default('cosy-relay overlay').describe('name of the overlay browser source in OBS'),
  OBS_ENSURE_OVERLAY: bool.default(true).describe('create or update the overlay browser source when OBS connects'),
  OBS_PAUSE_SCENES: commaList.default([]).describe('scenes on which readouts wait (e.g. BRB)'),
  OBS_DUCK_INPUTS: commaList.default([]).describe('OBS inputs lowered while a readout plays, restored after'),
  OBS_DUCK_DB: z.coerce.number().max(0).min(-100).default(-12).describe('how far OBS_DUCK_INPUTS are lowered, in dB'),
  OBS_CAPTIONS: bool.default(true).describe('send CEA-608 live captions into the stream'),
  OBS_CAPTION_DELAY_MS: z.coerce.number().int().min(0).max(10_000).optional().describe("captions go into the stream this long after the audio (OBS's encoder delay); unset: chosen from OBS's encoder"),
});

export type Config = z.infer<typeof configSchema>;
export type EngineName = (typeof ENGINE_NAMES)[number];

export type RawSettings = Record<string, string | undefined>;

/** `--relay-port 9000` / `--relay-port=9000` → { RELAY_PORT: '9000' }; `--config f.json` reads a file. */
export function parseFlags(argv: readonly string[]): RawSettings {
  const out: RawSettings = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}" (flags look like --relay-port 8787)`);
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(2, eq) : arg.slice(2)).toUpperCase().replaceAll('-', '_');
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`flag ${arg} needs a value`);
    out[name] = value;
  }
  return out;
}

function readConfigFile(path: string): RawSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object of settings`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

/** Only the keys the schema knows: unrelated env vars are ignored, unknown flags are an error. */
function pickKnown(raw: RawSettings, strict: boolean, origin: string): RawSettings {
  const known = new Set(Object.keys(configSchema.shape));
  const out: RawSettings = {};
  for (const [key, value] of Object.entries(raw)) {
    if (known.has(key)) {
      if (value !== undefined && value !== '') out[key] = value;
    } else if (strict) {
      throw new ConfigError(`unknown setting ${key} in ${origin}`);
    }
  }
  return out;
}

/** `defaults`: the caller's defaults, over the schema's and under everything else (the data dir of this install). */
export function loadConfig(env: RawSettings = process.env, argv: readonly string[] = process.argv.slice(2), defaults: RawSettings = {}): Config {
  const { CONFIG: configPath, ...flags } = parseFlags(argv);
  const fromFile = configPath ? pickKnown(readConfigFile(configPath), true, configPath) : {};
  const merged = { ...defaults, ...fromFile, ...pickKnown(flags, true, 'command-line flags'), ...pickKnown(env, false, 'environment') };
  // One DashScope key for TTS and ASR, under either name.
  merged.COSYVOICE_API_KEY ??= merged.DASHSCOPE_API_KEY;
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${describeIssue(issue, merged)}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Settings whose value an error message must not repeat (it goes to the console and logs). */
const SECRET_SETTINGS = new Set(['RELAY_TOKEN', 'RELAY_OVERLAY_KEY', 'COSYVOICE_API_KEY', 'DASHSCOPE_API_KEY', 'TWITCH_OAUTH_TOKEN', 'BILIBILI_KEY', 'YOUTUBE_API_KEY', 'YOUTUBE_OAUTH_TOKEN', 'OBS_WEBSOCKET_PASSWORD']);

/**
 * One bad setting in words: its name and the value given (`TTS_ENGINE=embedded,espeak:
 * "espeak" is not allowed …`), not zod's path (`TTS_ENGINE.1`). Secrets are not repeated.
 */
function describeIssue(issue: z.core.$ZodIssue, given: RawSettings): string {
  const [setting, index] = issue.path;
  if (typeof setting !== 'string') return `(config): ${issue.message}`;
  const raw = given[setting];
  if (raw === undefined) return `${setting}: ${issue.message}`;
  const shown = SECRET_SETTINGS.has(setting) ? `(${[...raw].length} characters, not shown)` : JSON.stringify(raw);
  const item = typeof index === 'number' && !SECRET_SETTINGS.has(setting) ? `${JSON.stringify(raw.split(',').map((p) => p.trim()).filter(Boolean)[index])} ` : '';
  return `${setting}=${shown}: ${item}${item ? 'is not allowed: ' : ''}${issue.message}`;
}
