/**
 * Guard purchases (大航海: 舰长 / 提督 / 总督), the platform's monthly memberships. One
 * purchase arrives as several commands: GUARD_BUY, USER_TOAST_MSG and USER_TOAST_MSG_V2
 * (the V2 toast even twice, `option.source` 0 then 2: blivedm models/web.py
 * UserToastV2Message). All of them become the same purchase with the same messageId
 * (`guard-<uid>-<level>-<start_time>`: the three carry the same uid, level and start_time),
 * and the source emits a messageId once.
 *
 * Shapes: GUARD_BUY {uid, username, guard_level, num, price, gift_name, start_time}
 * (bilibili-API-collect docs/live/message_stream.md, GUARD_BUY example: 舰长, price 198000);
 * USER_TOAST_MSG {uid, username, guard_level, num, price, role_name, unit, start_time};
 * USER_TOAST_MSG_V2 {sender_uinfo: {uid, base: {name}}, guard_info: {guard_level,
 * role_name?, start_time}, pay_info: {num, price, unit}} (blivedm). `price` is the unit
 * price in 金瓜子 (gold coins, 1000 = 1 CNY; blivedm: "单价金瓜子数"): 舰长 198000 = 198 CNY
 * a month (138000 when renewed automatically).
 */
import { z } from 'zod';
import type { ChatRole, SourceEvent } from '../../server/src/core/source.ts';

export interface GuardPurchase {
  uid: number;
  user: string;
  /** 1 总督, 2 提督, 3 舰长. */
  level: number;
  /** Months (or the unit's count). */
  num: number;
  /** What was paid, in CNY. */
  cny: number;
  /** The level's name, e.g. 舰长. */
  name: string;
  startTime: number;
}

export const GOLD_PER_CNY = 1000;

const GUARD_NAMES: Record<number, string> = { 1: '总督', 2: '提督', 3: '舰长' };

const Level = z.number().int().min(1).max(3);

/** GUARD_BUY names the level in `gift_name`, USER_TOAST_MSG in `role_name`; the rest is shared. */
const GuardBuyOrToast = z.object({
  data: z.object({
    uid: z.number(),
    username: z.string(),
    guard_level: Level,
    num: z.number().int().positive(),
    price: z.number().min(0),
    gift_name: z.string().optional(),
    role_name: z.string().optional(),
    start_time: z.number(),
  }),
});

const UserToastV2 = z.object({
  data: z.object({
    sender_uinfo: z.object({ uid: z.number(), base: z.object({ name: z.string() }) }),
    guard_info: z.object({ guard_level: Level, role_name: z.string().optional(), start_time: z.number() }),
    pay_info: z.object({ num: z.number().int().positive(), price: z.number().min(0) }),
  }),
});

function purchase(uid: number, user: string, level: number, num: number, price: number, name: string | undefined, startTime: number): GuardPurchase {
  const fallback = GUARD_NAMES[level] ?? '舰长';
  return { uid, user, level, num, cny: (price * num) / GOLD_PER_CNY, name: name || fallback, startTime };
}

/** The purchase a GUARD_BUY, USER_TOAST_MSG or USER_TOAST_MSG_V2 body stands for, if it is one. */
export function guardPurchaseOf(command: string, body: unknown): GuardPurchase | undefined {
  if (command === 'GUARD_BUY' || command === 'USER_TOAST_MSG') {
    const parsed = GuardBuyOrToast.safeParse(body);
    if (!parsed.success) return undefined;
    const d = parsed.data.data;
    return purchase(d.uid, d.username, d.guard_level, d.num, d.price, d.gift_name ?? d.role_name, d.start_time);
  }
  const parsed = UserToastV2.safeParse(body);
  if (!parsed.success) return undefined;
  const { sender_uinfo: sender, guard_info: guard, pay_info: pay } = parsed.data.data;
  return purchase(sender.uid, sender.base.name, guard.guard_level, pay.num, pay.price, guard.role_name, guard.start_time);
}

export interface GuardCaptionOptions {
  /** Purchases of at least this many CNY are read; null = off. */
  minCny: number | null;
  /** {user}, {num} and {guard} are filled in. */
  template: string;
  roles: ChatRole[];
  receivedAtMs: number;
}

/** A purchase as a paid caption (kind 'sub': a membership), or nothing under the threshold. */
export function guardCaption(p: GuardPurchase, options: GuardCaptionOptions): SourceEvent[] {
  if (options.minCny === null || p.cny < options.minCny) return [];
  const text = options.template.replaceAll('{user}', p.user).replaceAll('{num}', String(p.num)).replaceAll('{guard}', p.name);
  return [
    {
      type: 'caption',
      kind: 'sub',
      text,
      user: p.user,
      userId: String(p.uid),
      roles: options.roles,
      paidAmount: { value: p.cny, currency: 'CNY' },
      giftName: p.name,
      messageId: `guard-${p.uid}-${p.level}-${p.startTime}`,
      source: 'bilibili',
      receivedAtMs: options.receivedAtMs,
    },
  ];
}
