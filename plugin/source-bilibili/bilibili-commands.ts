/**
 * Bilibili live command bodies (operation 5 JSON) → SourceEvents:
 * DANMU_MSG (chat), SEND_GIFT and SUPER_CHAT_MESSAGE (paid readouts above a threshold),
 * ROOM_BLOCK_MSG (user muted → clear-user), SUPER_CHAT_MESSAGE_DELETE (→ clear-message).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { triggeredChatText, type ChatRole, type ChatTriggers, type SourceEvent } from '../../server/src/core/source.ts';

export interface BilibiliTriggers extends ChatTriggers {
  /** Gifts worth at least this many CNY are read (kind 'gift'); null = off. Free (silver) gifts never are. */
  minGiftCny: number | null;
  /** Super chats of at least this many CNY are read (kind 'superchat'); null = off. */
  minSuperChatCny: number | null;
  /** What is read for a gift; {user}, {num} and {gift} are filled in. */
  giftTemplate: string;
}

export const DEFAULT_BILIBILI_TRIGGERS: BilibiliTriggers = {
  commandPrefix: null,
  allMessages: true,
  minGiftCny: 1,
  minSuperChatCny: 0,
  giftTemplate: '{user}送出了{num}个{gift}',
};

export interface CommandContext {
  triggers: BilibiliTriggers;
  /** The streamer's uid: their danmaku get the 'broadcaster' role. */
  anchorUid?: number;
  receivedAtMs: number;
}

/** 1000 gold coins (金瓜子) = 1 CNY. */
const GOLD_PER_CNY = 1000;
/** info[0][12] dm_type: 0 text, 1 sticker (表情), 2 voice. */
const DM_TYPE_TEXT = 0;

const Command = z.object({ cmd: z.string() });

const DanmuMsg = z.object({
  info: z
    .tuple([
      z.array(z.unknown()),
      z.string(),
      z.tuple([z.number(), z.string(), z.number()]).rest(z.unknown()),
    ])
    .rest(z.unknown()),
});

/** info[0][15]: {extra: "<json>"} whose `emots` maps inline emote codes like "[dog]" to images. */
const ModeInfo = z.object({ extra: z.string() });
const ModeInfoExtra = z.object({ emots: z.record(z.string(), z.unknown()).nullish() });

const SendGift = z.object({
  data: z.object({
    uid: z.number(),
    uname: z.string(),
    giftName: z.string(),
    num: z.number(),
    total_coin: z.number(),
    coin_type: z.string(),
    tid: z.union([z.string(), z.number()]).optional(),
  }),
});

const SuperChat = z.object({
  data: z.object({
    id: z.union([z.number(), z.string()]),
    uid: z.union([z.number(), z.string()]),
    price: z.number(),
    message: z.string(),
    user_info: z.object({ uname: z.string(), guard_level: z.number().optional(), manager: z.number().optional() }),
  }),
});

const SuperChatDelete = z.object({ data: z.object({ ids: z.array(z.union([z.number(), z.string()])) }) });

const RoomBlock = z.object({
  uid: z.union([z.number(), z.string()]).optional(),
  uname: z.string().optional(),
  data: z.object({ uid: z.union([z.number(), z.string()]), uname: z.string() }).partial().optional(),
});

function superChatMessageId(id: number | string): string {
  return `sc-${id}`;
}

function roles(uid: number, isAdmin: boolean, guardLevel: number, anchorUid: number | undefined): ChatRole[] {
  const out: ChatRole[] = [];
  if (anchorUid !== undefined && uid === anchorUid) out.push('broadcaster');
  if (isAdmin) out.push('moderator');
  if (guardLevel > 0) out.push('subscriber');
  out.push('viewer');
  return out;
}

function withoutInlineEmotes(text: string, modeInfo: unknown): string {
  const mode = ModeInfo.safeParse(modeInfo);
  if (!mode.success) return text;
  let extra: unknown;
  try {
    extra = JSON.parse(mode.data.extra);
  } catch {
    return text;
  }
  const emots = ModeInfoExtra.safeParse(extra);
  const codes = emots.success && emots.data.emots ? Object.keys(emots.data.emots) : [];
  return codes.reduce((t, code) => t.split(code).join(' '), text).replace(/\s+/gu, ' ').trim();
}

function fromDanmu(body: unknown, ctx: CommandContext): SourceEvent[] {
  const parsed = DanmuMsg.safeParse(body);
  if (!parsed.success) return [];
  const info = parsed.data.info;
  const [meta, rawText, user] = info;
  if (meta[12] !== undefined && meta[12] !== DM_TYPE_TEXT) return [];
  const text = triggeredChatText(withoutInlineEmotes(rawText, meta[15]), ctx.triggers);
  if (text === undefined || text === '') return [];
  const [uid, uname, admin] = user;
  const guardLevel = typeof info[7] === 'number' ? info[7] : 0;
  return [
    {
      type: 'caption',
      kind: 'chat',
      text,
      user: uname,
      userId: String(uid),
      roles: roles(uid, admin === 1, guardLevel, ctx.anchorUid),
      messageId: randomUUID(),
      source: 'bilibili',
      receivedAtMs: ctx.receivedAtMs,
    },
  ];
}

function fromGift(body: unknown, ctx: CommandContext): SourceEvent[] {
  const parsed = SendGift.safeParse(body);
  const min = ctx.triggers.minGiftCny;
  if (!parsed.success || min === null || parsed.data.data.coin_type !== 'gold') return [];
  const gift = parsed.data.data;
  const cny = gift.total_coin / GOLD_PER_CNY;
  if (cny < min) return [];
  const text = ctx.triggers.giftTemplate
    .replaceAll('{user}', gift.uname)
    .replaceAll('{num}', String(gift.num))
    .replaceAll('{gift}', gift.giftName);
  return [
    {
      type: 'caption',
      kind: 'gift',
      text,
      user: gift.uname,
      userId: String(gift.uid),
      roles: roles(gift.uid, false, 0, ctx.anchorUid),
      paidAmount: { value: cny, currency: 'CNY' },
      giftName: gift.giftName,
      messageId: gift.tid === undefined ? randomUUID() : `gift-${gift.tid}`,
      source: 'bilibili',
      receivedAtMs: ctx.receivedAtMs,
    },
  ];
}

function fromSuperChat(body: unknown, ctx: CommandContext): SourceEvent[] {
  const parsed = SuperChat.safeParse(body);
  const min = ctx.triggers.minSuperChatCny;
  if (!parsed.success || min === null || parsed.data.data.price < min) return [];
  const sc = parsed.data.data;
  const text = sc.message.trim();
  if (text === '') return [];
  return [
    {
      type: 'caption',
      kind: 'superchat',
      text,
      user: sc.user_info.uname,
      userId: String(sc.uid),
      roles: roles(Number(sc.uid), sc.user_info.manager === 1, sc.user_info.guard_level ?? 0, ctx.anchorUid),
      paidAmount: { value: sc.price, currency: 'CNY' },
      messageId: superChatMessageId(sc.id),
      source: 'bilibili',
      receivedAtMs: ctx.receivedAtMs,
    },
  ];
}

function fromRoomBlock(body: unknown, ctx: CommandContext): SourceEvent[] {
  const parsed = RoomBlock.safeParse(body);
  if (!parsed.success) return [];
  const uid = parsed.data.data?.uid ?? parsed.data.uid;
  const uname = parsed.data.data?.uname ?? parsed.data.uname;
  if (uname === undefined && uid === undefined) return [];
  return [
    {
      type: 'clear-user',
      source: 'bilibili',
      user: uname ?? String(uid),
      ...(uid === undefined ? {} : { userId: String(uid) }),
      receivedAtMs: ctx.receivedAtMs,
    },
  ];
}

function fromSuperChatDelete(body: unknown, ctx: CommandContext): SourceEvent[] {
  const parsed = SuperChatDelete.safeParse(body);
  if (!parsed.success) return [];
  return parsed.data.data.ids.map((id) => ({
    type: 'clear-message',
    source: 'bilibili',
    messageId: superChatMessageId(id),
    receivedAtMs: ctx.receivedAtMs,
  }));
}

const HANDLERS: Record<string, (body: unknown, ctx: CommandContext) => SourceEvent[]> = {
  DANMU_MSG: fromDanmu,
  SEND_GIFT: fromGift,
  SUPER_CHAT_MESSAGE: fromSuperChat,
  SUPER_CHAT_MESSAGE_DELETE: fromSuperChatDelete,
  ROOM_BLOCK_MSG: fromRoomBlock,
};

/** The events one command body stands for (none for commands the relay does not use). */
export function toSourceEvents(body: unknown, ctx: CommandContext): SourceEvent[] {
  const command = Command.safeParse(body);
  if (!command.success) return [];
  // Older servers suffix the command: "DANMU_MSG:4:0:2:2:2:0".
  const name = command.data.cmd.split(':')[0]!;
  // Own keys only: a command named "constructor" must not find Object.prototype's members.
  const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  return handler ? handler(body, ctx) : [];
}
