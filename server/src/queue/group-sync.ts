import { QueueFullError, StorageError } from '../core/errors.ts';

export interface GroupSyncOptions {
  /** Makes everything written before the call durable (the WAL's fsync, on libuv's thread pool). Rejects with StorageError. */
  flush: () => Promise<void>;
  /** The same, blocking (used once, when the queue closes with commits still waiting). Throws StorageError. */
  flushSync: () => void;
  /** Most commits waiting for the disk at once (the group being flushed and the next one). */
  maxWaiting: number;
  /** Retry-After hint of the QueueFullError answered past maxWaiting. */
  retryAfterS: number;
}

interface Group {
  /** Settles when this group's flush does; never unhandled (see `start`). */
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  waiting: number;
}

/**
 * Group commit. Commits reach the WAL without an fsync (synchronous=NORMAL: kill -9 safe at
 * once); whoever needs one on disk asks `onDisk()` and awaits the answer. One flush runs at a
 * time, off the event loop; every request made while it runs joins the next group, flushed
 * as soon as the running one ends (one fsync for all of them). A request never joins a flush
 * that had already started: a commit made after an fsync began is not promised by it.
 */
export class GroupSync {
  private flushing: Group | undefined;
  private next: Group | undefined;
  private closed = false;

  constructor(private readonly options: GroupSyncOptions) {}

  /** Commits that asked for the disk and are not on it yet. */
  get waiting(): number {
    return (this.flushing?.waiting ?? 0) + (this.next?.waiting ?? 0);
  }

  /** Throws QueueFullError when maxWaiting commits already wait for the disk: check it before committing. */
  checkRoom(): void {
    if (this.waiting < this.options.maxWaiting) return;
    const { maxWaiting, retryAfterS } = this.options;
    throw new QueueFullError(retryAfterS, `${maxWaiting} captions are waiting for the disk to confirm them, try again in ${retryAfterS} s`);
  }

  /**
   * Resolves once every commit made before this call is on disk; rejects with the flush's
   * StorageError. Counted against maxWaiting until then (call `checkRoom` first).
   */
  onDisk(): Promise<void> {
    const group = this.nextGroup();
    group.waiting += 1;
    return group.done;
  }

  /** Asks for a flush soon, with nobody waiting on it (a state change whose power-cut loss is harmless but unwanted). */
  soon(): void {
    this.nextGroup();
  }

  /**
   * No new requests. The group not started yet is flushed now, blocking (shutdown only); a
   * flush already running finishes on its own and answers its group.
   */
  close(): void {
    this.closed = true;
    const group = this.next;
    this.next = undefined;
    if (!group) return;
    try {
      this.options.flushSync();
      group.resolve();
    } catch (error) {
      group.reject(error);
    }
  }

  private nextGroup(): Group {
    if (this.closed) throw new StorageError('the queue is closed');
    if (!this.next) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      done.catch(() => undefined); // a group nobody awaits (only `soon`) must not be an unhandled rejection
      this.next = { done, resolve, reject, waiting: 0 };
      if (!this.flushing) queueMicrotask(() => this.start());
    }
    return this.next;
  }

  /** Runs the next group's flush; a later microtask joins the same group until it starts. */
  private start(): void {
    if (this.flushing || !this.next) return;
    const group = (this.flushing = this.next);
    this.next = undefined;
    this.options.flush().then(group.resolve, group.reject).finally(() => {
      this.flushing = undefined;
      this.start();
    });
  }
}
