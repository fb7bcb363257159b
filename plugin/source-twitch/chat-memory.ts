/**
 * What the Twitch source remembers across lines, bounded: each chatter's user id by login
 * (a CLEARCHAT without tags names only the login, while readouts carry the display name and
 * the id), and the origin ids of recent community gift bombs (their per-recipient `subgift`
 * notices are not read again one by one).
 */
export const MAX_REMEMBERED = 10_000;

/** A map that forgets its oldest entry past `max`. */
class BoundedMap<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly max: number) {}
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
}

export class ChatMemory {
  private readonly userIds: BoundedMap<string>;
  private readonly giftBatches: BoundedMap<true>;

  constructor(max = MAX_REMEMBERED) {
    this.userIds = new BoundedMap(max);
    this.giftBatches = new BoundedMap(max);
  }

  rememberUser(login: string, userId: string): void {
    this.userIds.set(login.toLowerCase(), userId);
  }

  userIdOf(login: string): string | undefined {
    return this.userIds.get(login.toLowerCase());
  }

  rememberGiftBatch(originId: string): void {
    this.giftBatches.set(originId, true);
  }

  isInGiftBatch(originId: string): boolean {
    return this.giftBatches.has(originId);
  }
}
