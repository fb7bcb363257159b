/**
 * Kick Pusher frames as the live service sends them, and builders shaped exactly like them.
 *
 * REAL_FRAMES are captures of live Kick chat that public projects quote verbatim in their
 * source (found with a code search over public GitHub, 2023–2026): a Kotlin parser test of
 * "real frames captured from a live Kick channel" (`wss://ws-us2.pusher.com/app/32cbd69e4b950bf97679`,
 * `chatrooms.<id>.v2`), the comments of a TypeScript Kick client (`ChatroomsV2Events`: the data of
 * UserBannedEvent, MessageDeletedEvent, SubscriptionEvent, GiftedSubscriptionsEvent), a chat
 * overlay's comments (ChatMessageEvent, UserBannedEvent frames on `chatrooms.2507974.v2`), a
 * Python bot's comment (GiftedSubscriptionsEvent frame) and a test "captured live" of a
 * KicksGifted payload. Field by field they match the C# models of Bukk94/KickLib
 * (KickLib.Client/Models/Events/Chatroom/*.cs, Channel/Gifts/KicksGiftedEvent.cs) and the
 * subscribe frame of retconned/kick-js (src/core/websocket.ts). Pusher's own frames follow
 * https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol.
 */

/** Captured frames, byte for byte (the `data` of app events is a JSON string). */
export const REAL_FRAMES = {
  chatModeratorSubscriber:
    '{"event":"App\\\\Events\\\\ChatMessageEvent","data":"{\\"id\\":\\"c0c85e41-2d34-45f4-9b57-bc7799245858\\",\\"chatroom_id\\":332923,\\"content\\":\\"corsette is crazy\\",\\"type\\":\\"message\\",\\"created_at\\":\\"2026-01-08T10:12:23+00:00\\",\\"sender\\":{\\"id\\":2789967,\\"username\\":\\"virtualmeal\\",\\"slug\\":\\"virtualmeal\\",\\"identity\\":{\\"color\\":\\"#BC66FF\\",\\"badges\\":[{\\"type\\":\\"moderator\\",\\"text\\":\\"Moderator\\"},{\\"type\\":\\"subscriber\\",\\"text\\":\\"Subscriber\\",\\"count\\":4}]}},\\"metadata\\":{\\"message_ref\\":\\"1767867143097\\"}}","channel":"chatrooms.332923.v2"}',
  chatPlain:
    '{"event":"App\\\\Events\\\\ChatMessageEvent","data":"{\\"id\\":\\"b2af4980-9dfa-4822-960d-0e64704e2ced\\",\\"chatroom_id\\":2507974,\\"content\\":\\"more in premiere\\",\\"type\\":\\"message\\",\\"created_at\\":\\"2023-12-24T22:05:00+00:00\\",\\"sender\\":{\\"id\\":1247649,\\"username\\":\\"tayloredbydrew\\",\\"slug\\":\\"tayloredbydrew\\",\\"identity\\":{\\"color\\":\\"#FF9D00\\",\\"badges\\":[]}}}","channel":"chatrooms.2507974.v2"}',
  chatSubscriberEmote:
    '{"event":"App\\\\Events\\\\ChatMessageEvent","data":"{\\"id\\":\\"57eee8aa-7818-4194-9422-cedf3a00aca4\\",\\"chatroom_id\\":246956,\\"content\\":\\"I see the coke\\",\\"type\\":\\"message\\",\\"created_at\\":\\"2026-09-04T23:28:30+00:00\\",\\"sender\\":{\\"id\\":117108965,\\"username\\":\\"goofywilson96\\",\\"slug\\":\\"goofywilson96\\",\\"identity\\":{\\"color\\":\\"#31D6C2\\",\\"badges\\":[{\\"type\\":\\"subscriber\\",\\"text\\":\\"Subscriber\\",\\"count\\":3}]}}}"}',
  ban: '{"event":"App\\\\Events\\\\UserBannedEvent","data":"{\\"id\\":\\"a3aadb10-22ae-4081-ba8f-46bb9a6c89ff\\",\\"user\\":{\\"id\\":25556531,\\"username\\":\\"JohnsonAndJohnson1\\",\\"slug\\":\\"johnsonandjohnson1\\"},\\"banned_by\\":{\\"id\\":0,\\"username\\":\\"covid1942\\",\\"slug\\":\\"covid1942\\"}}","channel":"chatrooms.2507974.v2"}',
  giftedOne:
    '{"event":"App\\\\Events\\\\GiftedSubscriptionsEvent","data":"{\\"chatroom_id\\":1164726,\\"gifted_usernames\\":[\\"Khalek\\"],\\"gifter_username\\":\\"eddieoz\\"}","channel":"chatrooms.1164726.v2"}',
} as const;

/** Captured `data` objects (the frames around them were not kept by the projects quoting them). */
export const REAL_DATA = {
  timeout: {
    id: '6b937ce4-dcc6-4fdf-a113-7c115e5443b1',
    user: { id: 24580921, username: 'helpinghand', slug: 'helpinghand' },
    banned_by: { id: 0, username: 'BotRix', slug: 'botrix' },
    permanent: false,
    duration: 1,
    expires_at: '2025-02-10T12:19:11+00:00',
  },
  messageDeleted: {
    id: '3b03e221-480a-4c2c-bc65-61573d3336d9',
    message: { id: '499500b9-ea91-467f-9034-9eee6e6e164a' },
    aiModerated: false,
    violatedRules: [],
  },
  subscription: { chatroom_id: 145222, username: 'Biceus', months: 9 },
  giftedFive: {
    chatroom_id: 145222,
    gifted_usernames: ['Burger2', 'Real_TOMMO', 'Tallstack', 'zigi36', 'redbug'],
    gifter_username: 'BigHornsBigKnives',
    gifter_total: 5,
  },
  kicksGifted: {
    gift_transaction_id: 'e28a9427-353b-4fa8-9b88-918e40d6d7eb',
    message: 'TAKE  MINE!',
    sender: { id: 3026507, username: 'ChrisE', username_color: '#E9113C' },
    gift: { gift_id: 'pack_it_up', name: 'Pack It Up', amount: 1000, type: 'LEVEL_UP', tier: 'MID' },
    created_at: '2026-09-03T15:21:07.373823974Z',
  },
  /** `GET /api/v2/channels/<slug>`, trimmed to the fields a reader uses (BankkRoll/kick.com-api README). */
  channel: { id: 875396, user_id: 904404, slug: 'adinross', chatroom: { id: 870983, channel_id: 875396, chatable_type: 'App\\Models\\Channel' } },
} as const;

export const EVENTS = {
  chat: 'App\\Events\\ChatMessageEvent',
  subscription: 'App\\Events\\SubscriptionEvent',
  gifted: 'App\\Events\\GiftedSubscriptionsEvent',
  banned: 'App\\Events\\UserBannedEvent',
  deleted: 'App\\Events\\MessageDeletedEvent',
  cleared: 'App\\Events\\ChatroomClearEvent',
  pinned: 'App\\Events\\PinnedMessageCreatedEvent',
  kicks: 'KicksGifted',
} as const;

/** An app event's frame: `data` as a JSON string, like every frame above. */
export function appFrame(event: string, data: unknown, channel?: string): string {
  return JSON.stringify({ event, data: JSON.stringify(data), ...(channel === undefined ? {} : { channel }) });
}

export interface KickChatter {
  id: number;
  username: string;
  /** Badge types: 'broadcaster', 'moderator', 'vip', 'og', 'subscriber', 'founder', … */
  badges?: string[];
}

/** ChatMessageEvent data shaped like the captures (`type` 'message', 'reply' or 'celebration'). */
export function chatData(chatroomId: number, chatter: KickChatter, content: string, id: string, type = 'message'): Record<string, unknown> {
  return {
    id,
    chatroom_id: chatroomId,
    content,
    type,
    created_at: new Date().toISOString().replace(/\.\d+Z$/u, '+00:00'),
    sender: {
      id: chatter.id,
      username: chatter.username,
      slug: chatter.username.toLowerCase(),
      identity: {
        color: '#BC66FF',
        badges: (chatter.badges ?? []).map((t) => ({ type: t, text: t[0]!.toUpperCase() + t.slice(1), ...(t === 'subscriber' ? { count: 4 } : {}) })),
      },
    },
    metadata: { message_ref: String(Date.now()) },
  };
}

/** UserBannedEvent data like REAL_DATA.timeout (a timeout) or REAL_FRAMES.ban (permanent, no expiry fields). */
export function banData(user: { id: number; username: string }, expiresAt?: string): Record<string, unknown> {
  return {
    id: `ban-${user.id}-${Date.now()}`,
    user: { ...user, slug: user.username.toLowerCase() },
    banned_by: { id: 0, username: 'BotRix', slug: 'botrix' },
    ...(expiresAt === undefined ? { permanent: true } : { permanent: false, duration: 1, expires_at: expiresAt }),
  };
}

/** MessageDeletedEvent data like REAL_DATA.messageDeleted. */
export function deletedData(messageId: string): Record<string, unknown> {
  return { id: `del-${messageId}`, message: { id: messageId }, aiModerated: false, violatedRules: [] };
}
