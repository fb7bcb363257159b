/**
 * Bilibili live command bodies (operation 5 JSON) → SourceEvents. Each command of the
 * current protocol, decided (field meanings: bilibili-API-collect docs/live/message_stream.md,
 * blivedm models/web.py and handlers.py):
 *
 * | command | what it is | what the relay does |
 * | --- | --- | --- |
 * | DANMU_MSG | chat | read (kind 'chat'); stickers and voice danmaku (info[0][12] ≠ 0) and lottery / storm danmaku (info[0][9] ≠ 0, sent automatically with one text by everyone joining) are not; a masked sender keeps an id from info[0][7] (danmaku-sender.ts) |
 * | SEND_GIFT | a gift (each click of a combo is its own SEND_GIFT, with its own `num` and `total_coin`; blind boxes count their price) | gold gifts of at least minGiftCny are read (kind 'gift'); silver (free) gifts never |
 * | COMBO_SEND | running total of a combo whose gifts already came as SEND_GIFT | ignored: reading it would count the gifts twice |
 * | SEND_GIFT_V2 | protobuf gift body, being rolled out (blivedm) | not read yet: SEND_GIFT still arrives |
 * | GUARD_BUY, USER_TOAST_MSG, USER_TOAST_MSG_V2 | one guard purchase (舰长/提督/总督), announced by each | read once (kind 'sub', paid, minGuardCny; guard-purchase.ts) |
 * | SUPER_CHAT_MESSAGE | super chat | read at minSuperChatCny (kind 'superchat') |
 * | SUPER_CHAT_MESSAGE_JPN | the same super chat again with a Japanese translation, same id | ignored: the same readout twice |
 * | SUPER_CHAT_MESSAGE_DELETE | a super chat removed | clear-message |
 * | ROOM_BLOCK_MSG | a viewer muted | clear-user |
 * | LOG_IN_NOTICE | "未注册登陆用户将无法查看他人昵称": names are masked from now on | the source's status says so (bilibili-source.ts) |
 * | INTERACT_WORD(_V2), ENTRY_EFFECT, LIKE_INFO_V3_*, WATCHED_CHANGE, ONLINE_RANK_*, NOTICE_MSG, POPULARITY_RED_POCKET_*, PK_*, ROOM_* | entries, follows, likes, counters, site-wide banners, PK and room state | ignored: not something a viewer said or paid for in this room |
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { triggeredChatText, type ChatRole, type ChatTriggers, type SourceEvent } from '../../server/src/core/source.ts';
import { danmakuSender } from './danmaku-sender.ts';
import { GOLD_PER_CNY, guardCaption, guardPurchaseOf } from './guard-purchase.ts';

export interface BilibiliTriggers extends ChatTriggers {
  /** Gifts worth at least this many CNY are read (kind 'gift'); null = off. Free (silver) gifts never are. */
  minGiftCny: number | null;
  /** Super chats of at least this many CNY are read (kind 'superchat'); null = off. */
  minSuperChatCny: number | null;
  /** What is read for a gift; {user}, {num} and {gift} are filled in. */
  giftTemplate: string;
  /** Guard purchases (舰长/提督/总督) of at least this many CNY are read (kind 'sub'); null = off. */
  minGuardCny: number | null;
  /** What is read for a guard purchase; {user}, {num} (months) and {guard} are filled in. */
  guardTemplate: string;
}

export const DEFAULT_BILIBILI_TRIGGERS: BilibiliTriggers = {
  commandPrefix: null,
  allMessages: true,
  minGiftCny: 1,
  minSuperChatCny: 0,
  giftTemplate: '{user}送出了{num}个{gift}',
  minGuardCny: 0,
  guardTemplate: '{user}开通了{guard}',
};

export interface CommandContext {
  triggers: BilibiliTriggers;
  /** The streamer's uid: their danmaku get the 'broadcaster' role. */
  anchorUid?: number;
  receivedAtMs: number;
}

/** info[0][12] dm_type: 0 text, 1 sticker (表情), 2 voice. */
const DM_TYPE_TEXT = 0;
/** info[0][9] msg_type: 0 a viewer's own words; otherwise a lottery (天选) or storm (节奏风暴) danmaku. */
const MSG_TYPE_OWN = 0;

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
const ModeInfoExtra = z.object({
  emots: z.record(z.string(), z.unknown()).nullish(),
  user_hash: z.string().optional(),
});

function modeInfoExtra(modeInfo: unknown): z.infer<typeof ModeInfoExtra> | undefined {
  const mode = ModeInfo.safeParse(modeInfo);
  if (!mode.success) return undefined;
  try {
    const extra = ModeInfoExtra.safeParse(JSON.parse(mode.data.extra));
    return extra.success ? extra.data : undefined;
  } catch {
    return undefined;
  }
}

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

function withoutInlineEmotes(text: string, extra: z.infer<typeof ModeInfoExtra> | undefined): string {
  const codes = extra?.emots ? Object.keys(extra.emots) : [];
  return codes.reduce((t, code) => t.split(code).join(' '), text).replace(/\s+/gu, ' ').trim();
}

function fromDanmu(body: unknown, ctx: CommandContext): SourceEvent[] {
  const parsed = DanmuMsg.safeParse(body);
  if (!parsed.success) return [];
  const info = parsed.data.info;
  const [meta, rawText, user] = info;
  if (meta[12] !== undefined && meta[12] !== DM_TYPE_TEXT) return [];
  if (meta[9] !== undefined && meta[9] !== MSG_TYPE_OWN) return [];
  const extra = modeInfoExtra(meta[15]);
  const text = triggeredChatText(withoutInlineEmotes(rawText, extra), ctx.triggers);
  if (text === undefined || text === '') return [];
  const [uid, uname, admin] = user;
  const guardLevel = typeof info[7] === 'number' ? info[7] : 0;
  const sender = danmakuSender(uid, meta[7], extra?.user_hash);
  return [
    {
      type: 'caption',
      kind: 'chat',
      text,
      user: uname,
      ...(sender.userId === undefined ? {} : { userId: sender.userId }),
      ...(sender.maskedName ? { maskedName: true } : {}),
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

function fromGuardPurchase(command: string): (body: unknown, ctx: CommandContext) => SourceEvent[] {
  return (body, ctx) => {
    const purchase = guardPurchaseOf(command, body);
    if (purchase === undefined) return [];
    return guardCaption(purchase, {
      minCny: ctx.triggers.minGuardCny,
      template: ctx.triggers.guardTemplate,
      roles: roles(purchase.uid, false, purchase.level, ctx.anchorUid),
      receivedAtMs: ctx.receivedAtMs,
    });
  };
}

const HANDLERS: Record<string, (body: unknown, ctx: CommandContext) => SourceEvent[]> = {
  DANMU_MSG: fromDanmu,
  GUARD_BUY: fromGuardPurchase('GUARD_BUY'),
  USER_TOAST_MSG: fromGuardPurchase('USER_TOAST_MSG'),
  USER_TOAST_MSG_V2: fromGuardPurchase('USER_TOAST_MSG_V2'),
  SEND_GIFT: fromGift,
  SUPER_CHAT_MESSAGE: fromSuperChat,
  SUPER_CHAT_MESSAGE_DELETE: fromSuperChatDelete,
  ROOM_BLOCK_MSG: fromRoomBlock,
};

/** The command's name without the suffix older servers add ("DANMU_MSG:4:0:2:2:2:0"). */
export function commandName(body: unknown): string | undefined {
  const command = Command.safeParse(body);
  return command.success ? command.data.cmd.split(':')[0] : undefined;
}

/**
 * The events one command body stands for (none for commands the relay does not use). A guard
 * purchase comes as several commands with one messageId: the caller emits a messageId once.
 */
export function toSourceEvents(body: unknown, ctx: CommandContext): SourceEvent[] {
  const name = commandName(body);
  if (name === undefined) return [];
  // Own keys only: a command named "constructor" must not find Object.prototype's members.
  const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  return handler ? handler(body, ctx) : [];
}
