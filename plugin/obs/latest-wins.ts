/**
 * A one-slot sender: at most one `apply` in flight and at most one value waiting (the newest;
 * an older waiting value is replaced). Suits state that only matters as of now (the caption
 * line on screen, the ducked-or-not volume) and bounds the work when OBS answers slowly.
 * `apply` reports its own failures; a rejection only ends that one apply.
 */
export interface LatestWins<T> {
  push(value: T): void;
  /** Resolves once nothing is in flight or waiting. */
  idle(): Promise<void>;
}

export function latestWins<T>(apply: (value: T) => Promise<void>): LatestWins<T> {
  let waiting: { value: T } | undefined;
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (waiting) {
      const { value } = waiting;
      waiting = undefined;
      await apply(value).catch(() => undefined);
    }
    running = undefined;
  }

  return {
    push(value) {
      waiting = { value };
      running ??= drain();
    },
    idle: () => running ?? Promise.resolve(),
  };
}
