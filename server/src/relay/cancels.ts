/**
 * The one way a readout is stopped while in flight (skip, ban, deleted message, taken over by
 * another process, or no engine able to speak): every consumer subscribes to `cancels$` —
 * the limiter frees the slot and unsubscribes the synthesis, overlays silence the audio.
 */
import { Subject, type Observable } from 'rxjs';

export interface Cancellation {
  id: string;
  reason: string;
}

export interface CancelPath {
  readonly cancels$: Observable<Cancellation>;
  cancel(ids: readonly string[], reason: string): void;
  close(): void;
}

export function createCancelPath(): CancelPath {
  const cancels$ = new Subject<Cancellation>();
  return {
    cancels$: cancels$.asObservable(),
    cancel(ids, reason) {
      for (const id of ids) cancels$.next({ id, reason });
    },
    close: () => cancels$.complete(),
  };
}
