/**
 * A FIFO with a hard bound that drops its oldest item to make room (counted): the
 * captioner's send buffer while the relay is unreachable — after a reconnect the most
 * recent audio is what matters for live subtitles.
 */
export class DropOldestQueue<T> {
  private items: T[] = [];
  /** Items dropped to make room, since creation. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be >= 1');
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(item);
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out = this.items;
    this.items = [];
    return out;
  }

  /** Puts items back at the head (a send that failed), still within the bound (oldest dropped). */
  unshift(items: T[]): void {
    const room = this.capacity - this.items.length;
    const keep = room >= items.length ? items : items.slice(items.length - Math.max(0, room));
    this.dropped += items.length - keep.length;
    this.items = [...keep, ...this.items];
  }
}
