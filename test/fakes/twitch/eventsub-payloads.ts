/**
 * EventSub event bodies as Twitch documents them (the examples of
 * https://dev.twitch.tv/docs/eventsub/eventsub-reference/ and
 * https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/), copied from the test
 * payloads twitch-rs/twitch_api keeps of them (src/eventsub/channel/*.rs, `parse_payload`,
 * commit 6f98d0a3): field names, types and values as given there. Tests override ids, names
 * and texts with `{ ...EXAMPLE, … }`.
 */

/** channel.channel_points_custom_reward_redemption.add v1 (src/eventsub/channel/channel_points_custom_reward_redemption/add.rs). */
export const REDEMPTION_ADD = {
  id: '1234',
  broadcaster_user_id: '1337',
  broadcaster_user_login: 'cool_user',
  broadcaster_user_name: 'Cool_User',
  user_id: '9001',
  user_login: 'cooler_user',
  user_name: 'Cooler_User',
  user_input: 'pogchamp',
  status: 'unfulfilled',
  reward: { id: '9001', title: 'title', cost: 100, prompt: 'reward prompt' },
  redeemed_at: '2020-07-15T17:16:03.17106713Z',
};

/** channel.cheer v1 (src/eventsub/channel/cheer.rs). */
export const CHEER = {
  is_anonymous: false,
  user_id: '1234',
  user_login: 'cool_user',
  user_name: 'Cool_User',
  broadcaster_user_id: '1337',
  broadcaster_user_login: 'cooler_user',
  broadcaster_user_name: 'Cooler_User',
  message: 'pogchamp',
  bits: 1000,
};

/** channel.subscription.message v1 (src/eventsub/channel/subscription/message.rs). */
export const SUBSCRIPTION_MESSAGE = {
  user_id: '1234',
  user_login: 'cool_user',
  user_name: 'Cool_User',
  broadcaster_user_id: '1337',
  broadcaster_user_login: 'cooler_user',
  broadcaster_user_name: 'Cooler_User',
  tier: '1000',
  message: { text: 'Love the stream! FevziGG', emotes: [{ begin: 23, end: 30, id: '302976485' }] },
  cumulative_months: 15,
  streak_months: 1,
  duration_months: 6,
};

/** channel.subscription.gift v1 (src/eventsub/channel/subscription/gift.rs). */
export const SUBSCRIPTION_GIFT = {
  user_id: '1234',
  user_login: 'cool_user',
  user_name: 'Cool_User',
  broadcaster_user_id: '1337',
  broadcaster_user_login: 'cooler_user',
  broadcaster_user_name: 'Cooler_User',
  total: 2,
  tier: '1000',
  cumulative_total: 284,
  is_anonymous: false,
};

/** channel.raid v1 (src/eventsub/channel/raid.rs). */
export const RAID = {
  from_broadcaster_user_id: '1234',
  from_broadcaster_user_login: 'cool_user',
  from_broadcaster_user_name: 'Cool_User',
  to_broadcaster_user_id: '1337',
  to_broadcaster_user_login: 'cooler_user',
  to_broadcaster_user_name: 'Cooler_User',
  viewers: 9001,
};

/** channel.follow v2 (the v2 event adds nothing to v1's fields; src/eventsub/channel/follow.rs). */
export const FOLLOW = {
  user_id: '1234',
  user_login: 'cool_user',
  user_name: 'Cool_User',
  broadcaster_user_id: '1337',
  broadcaster_user_login: 'cooler_user',
  broadcaster_user_name: 'Cooler_User',
  followed_at: '2020-07-15T18:16:11.17106713Z',
};

/** channel.ban v1 (src/eventsub/channel/ban.rs): a timeout (is_permanent false). */
export const BAN = {
  user_id: '1234',
  user_login: 'cool_user',
  user_name: 'Cool_User',
  broadcaster_user_id: '1337',
  broadcaster_user_login: 'cooler_user',
  broadcaster_user_name: 'Cooler_User',
  moderator_user_id: '1339',
  moderator_user_login: 'mod_user',
  moderator_user_name: 'Mod_User',
  reason: 'Offensive language',
  banned_at: '2020-07-15T18:15:11.17106713Z',
  ends_at: '2020-07-15T18:16:11.17106713Z',
  is_permanent: false,
};

/** channel.chat.message_delete v1 (src/eventsub/channel/chat/message_delete.rs). */
export const MESSAGE_DELETE = {
  broadcaster_user_id: '1337',
  broadcaster_user_name: 'Cool_User',
  broadcaster_user_login: 'cool_user',
  target_user_id: '7734',
  target_user_name: 'Uncool_viewer',
  target_user_login: 'uncool_viewer',
  message_id: 'ab24e0b0-2260-4bac-94e4-05eedd4ecd0e',
};

/** channel.chat.clear_user_messages v1 (src/eventsub/channel/chat/clear_user_messages.rs). */
export const CLEAR_USER_MESSAGES = {
  broadcaster_user_id: '1337',
  broadcaster_user_name: 'Cool_User',
  broadcaster_user_login: 'cool_user',
  target_user_id: '7734',
  target_user_name: 'Uncool_viewer',
  target_user_login: 'uncool_viewer',
};

/**
 * WebSocket frames as the websocket reference shows them (twitch-rs/twitch_api
 * src/eventsub/event/websocket.rs tests `welcome`, `keepalive`, `reconnect`, `revocation`).
 */
export const WELCOME_FRAME = {
  metadata: { message_id: '96a3f3b5-5dec-4eed-908e-e11ee657416c', message_type: 'session_welcome', message_timestamp: '2022-10-19T14:56:51.634234626Z' },
  payload: {
    session: {
      id: 'AQoQILE98gtqShGmLD7AM6yJThAB',
      status: 'connected',
      connected_at: '2022-10-19T14:56:51.616329898Z',
      keepalive_timeout_seconds: 10,
      reconnect_url: null,
      recovery_url: null,
    },
  },
};

export const KEEPALIVE_FRAME = {
  metadata: { message_id: '8d8e0935-0e0c-479a-8fa2-ad4c02cef742', message_type: 'session_keepalive', message_timestamp: '2022-11-04T13:11:49.770459792Z' },
  payload: {},
};

export const RECONNECT_FRAME = {
  metadata: { message_id: '84c1e79a-2a4b-4c13-ba0b-4312293e9308', message_type: 'session_reconnect', message_timestamp: '2019-11-18T09:10:11.234Z' },
  payload: {
    session: {
      id: 'AQoQexAWVYKSTIu4ec_2VAxyuhAB',
      status: 'reconnecting',
      keepalive_timeout_seconds: null,
      reconnect_url: 'wss://eventsub.wss.twitch.tv?...',
      connected_at: '2019-11-16T10:11:12.123Z',
    },
  },
};

export const REVOCATION_FRAME = {
  metadata: {
    message_id: '84c1e79a-2a4b-4c13-ba0b-4312293e9308',
    message_type: 'revocation',
    message_timestamp: '2019-11-16T10:11:12.123Z',
    subscription_type: 'channel.follow',
    subscription_version: '1',
  },
  payload: {
    subscription: {
      id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
      status: 'authorization_revoked',
      type: 'channel.follow',
      version: '1',
      cost: 1,
      condition: { broadcaster_user_id: '12826' },
      transport: { method: 'websocket', session_id: 'AQoQexAWVYKSTIu4ec_2VAxyuhAB' },
      created_at: '2019-11-16T10:11:12.123Z',
    },
  },
};

/** GET https://id.twitch.tv/oauth2/validate, 200 (https://dev.twitch.tv/docs/authentication/validate-tokens/). */
export const VALIDATE_OK = {
  client_id: 'wbmytr93xzw8zbg0p1izqyzzc5mbiz',
  login: 'twitchdev',
  scopes: ['channel:read:subscriptions'],
  user_id: '141981764',
  expires_in: 5520838,
};
/** …and 401 for a bad token. */
export const VALIDATE_INVALID = { status: 401, message: 'invalid access token' };

/** Helix error bodies `{error, status, message}` (https://dev.twitch.tv/docs/api/guide/ and Create EventSub Subscription's response codes). */
export const HELIX_ERRORS = {
  400: { error: 'Bad Request', status: 400, message: 'The parameter "version" was malformed: the value must be a valid version for type' },
  401: { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' },
  403: { error: 'Forbidden', status: 403, message: 'subscription missing proper authorization' },
  409: { error: 'Conflict', status: 409, message: 'subscription already exists' },
  429: { error: 'Too Many Requests', status: 429, message: 'Too Many Requests' },
} as const;
