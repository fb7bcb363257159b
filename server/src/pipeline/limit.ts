import {
  asyncScheduler,
  defer,
  Observable,
  Subscription,
  timer,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { ConfigError } from '../core/errors.ts';

export interface LimitOptions<T extends { id: string }, R> {
  /** Pulls the next item (e.g. `queue.takeNext`); called only when a slot is free and the gate open. */
  take: () => T | undefined;
  /** The item's work (e.g. synthesis → timeline events), subscribed when the item gets a slot. */
  work: (item: T) => Observable<R>;
  /** Items holding a slot (working or playing, not yet acked). Default 2: current + one prefetched. */
  maxInFlight?: number;
  /** Ids whose playback ended (overlay `playback:end`): frees their slot. */
  acks$: Observable<string>;
  /** Ids to cancel now (skip): unsubscribes their work at once and frees their slot. */
  cancel$: Observable<string>;
  /** Safety net for a lost ack: started once the item is the oldest in flight and its work has
   *  completed; when it fires the slot is freed as if acked. */
  ackTimeoutMs: (item: T) => number;
  /** false = start nothing new (paused, no overlay); in-flight items continue. Closed until it emits. */
  gate$?: Observable<boolean>;
  scheduler?: SchedulerLike;
}

export type LimitReleaseReason = 'ack' | 'timeout' | 'cancel' | 'error';

export type LimitEvent<T, R> =
  | { type: 'start'; item: T }
  | { type: 'output'; item: T; value: R }
  | { type: 'complete'; item: T }
  | { type: 'error'; item: T; error: unknown }
  | { type: 'released'; item: T; reason: LimitReleaseReason };

interface Slot<T> {
  item: T;
  work: Subscription;
  workDone: boolean;
  ackTimer?: Subscription;
}

/**
 * Bounded pull limiter. The source is only a wake-up signal (e.g. `queue.changes$`); items
 * come from `take()`, so the durable queue is the only buffer and nothing here grows past
 * `maxInFlight`. Fills free slots once on subscribe, on every wake-up, gate opening and
 * release. When the source completes, no new item starts; it completes once in-flight drain.
 */
export function limit<T extends { id: string }, R>(
  options: LimitOptions<T, R>,
): OperatorFunction<unknown, LimitEvent<T, R>> {
  const maxInFlight = options.maxInFlight ?? 2;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new ConfigError(`limit: maxInFlight must be an integer >= 1, got ${maxInFlight}`);
  }
  const scheduler = options.scheduler ?? asyncScheduler;

  return (wake$) =>
    new Observable<LimitEvent<T, R>>((subscriber) => {
      const slots = new Map<string, Slot<T>>(); // insertion order: oldest first
      const inputs = new Subscription();
      let gateOpen = options.gate$ === undefined;
      let wakesDone = false;
      let filling = false;
      let refill = false;

      const fill = (): void => {
        if (filling) {
          refill = true; // a release or wake-up while filling: loop once more
          return;
        }
        filling = true;
        try {
          do {
            refill = false;
            while (gateOpen && !wakesDone && slots.size < maxInFlight && !subscriber.closed) {
              const item = options.take();
              if (item === undefined) break;
              start(item);
            }
          } while (refill);
        } catch (error) {
          subscriber.error(error);
        } finally {
          filling = false;
        }
      };

      const start = (item: T): void => {
        const slot: Slot<T> = { item, work: new Subscription(), workDone: false };
        slots.set(item.id, slot);
        subscriber.next({ type: 'start', item });
        if (slot.work.closed) return; // released while announcing its start
        slot.work.add(
          defer(() => options.work(item)).subscribe({
            next: (value) => subscriber.next({ type: 'output', item, value }),
            error: (error: unknown) => {
              subscriber.next({ type: 'error', item, error });
              release(item.id, 'error');
            },
            complete: () => {
              slot.workDone = true;
              subscriber.next({ type: 'complete', item });
              armOldestAckTimer();
            },
          }),
        );
      };

      const armOldestAckTimer = (): void => {
        const oldest = slots.values().next().value;
        if (!oldest || !oldest.workDone || oldest.ackTimer) return;
        oldest.ackTimer = timer(options.ackTimeoutMs(oldest.item), scheduler).subscribe(() =>
          release(oldest.item.id, 'timeout'),
        );
      };

      const release = (id: string, reason: LimitReleaseReason): void => {
        const slot = slots.get(id);
        if (!slot) return;
        slots.delete(id);
        slot.work.unsubscribe();
        slot.ackTimer?.unsubscribe();
        subscriber.next({ type: 'released', item: slot.item, reason });
        armOldestAckTimer();
        fill();
        completeIfDrained();
      };

      const completeIfDrained = (): void => {
        if (wakesDone && slots.size === 0) subscriber.complete();
      };

      const fail = (error: unknown): void => subscriber.error(error);

      if (options.gate$) {
        inputs.add(
          options.gate$.subscribe({
            next: (open) => {
              gateOpen = open;
              if (open) fill();
            },
            error: fail,
          }),
        );
      }
      inputs.add(options.acks$.subscribe({ next: (id) => release(id, 'ack'), error: fail }));
      inputs.add(options.cancel$.subscribe({ next: (id) => release(id, 'cancel'), error: fail }));
      inputs.add(
        wake$.subscribe({
          next: fill,
          error: fail,
          complete: () => {
            wakesDone = true;
            completeIfDrained();
          },
        }),
      );
      fill();

      return () => {
        inputs.unsubscribe();
        for (const slot of slots.values()) {
          slot.work.unsubscribe();
          slot.ackTimer?.unsubscribe();
        }
        slots.clear();
      };
    });
}
