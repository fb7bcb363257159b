/**
 * Who sent a DANMU_MSG, also when the platform hides it. Without login the server masks
 * names ("提***") and sends uid 0 (bilibili-API-collect docs/live/message_stream.md, "再注";
 * issue SocialSisterYi/bilibili-API-collect#732), but the message still carries info[0][7],
 * the CRC32 of the sender's uid text (blivedm models/web.py `uid_crc32`; checked on the
 * DANMU_MSG example in bilibili-API-collect: uid 1850091 → "998a531f" = crc32("1850091")): a masked payload (simon300000/bilibili-live-ws#396: uid 0,
 * "折***", info[0][7] "e040a292") keeps it, so it still tells viewers apart. Where it is
 * missing, `info[0][15].extra.user_hash` (the same hash in decimal) is tried; where neither
 * is there, the sender has no stable id and moderation must not treat all of them as one.
 */
import { crc32 } from 'node:zlib';

export interface DanmakuSender {
  /** The uid, `hash:<crc32 hex>` for a masked sender, or undefined when nothing stable is left. */
  userId?: string;
  /** The name is the platform's mask, not the viewer's name (not unique either). */
  maskedName: boolean;
}

const UID_HASH = /^[0-9a-f]{1,8}$/u;
/** What a hash of uid 0 would be: it names nobody. */
const HASH_OF_NO_UID = crc32('0').toString(16);

function normalizedHash(uidCrc32: unknown, userHash: unknown): string | undefined {
  if (typeof uidCrc32 === 'string' && UID_HASH.test(uidCrc32.toLowerCase())) {
    const hex = uidCrc32.toLowerCase().replace(/^0+(?=.)/u, '');
    return hex === HASH_OF_NO_UID ? undefined : hex;
  }
  if (typeof userHash === 'string' && /^\d{1,10}$/u.test(userHash)) {
    const value = Number(userHash);
    if (value > 0 && value <= 0xffffffff) {
      const hex = value.toString(16);
      return hex === HASH_OF_NO_UID ? undefined : hex;
    }
  }
  return undefined;
}

/** `uid` is info[2][0], `uidCrc32` info[0][7], `userHash` info[0][15].extra.user_hash. */
export function danmakuSender(uid: number, uidCrc32: unknown, userHash: unknown): DanmakuSender {
  if (uid !== 0) return { userId: String(uid), maskedName: false };
  const hash = normalizedHash(uidCrc32, userHash);
  return hash === undefined ? { maskedName: true } : { userId: `hash:${hash}`, maskedName: true };
}

