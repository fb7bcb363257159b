/**
 * Whether the engine may be given the next readout: it says it is healthy (polled), and no
 * attempt failed for want of an engine in the last moment. An outage then makes readouts wait,
 * re-checked every `recheckMs`, instead of spinning through retries.
 */
import { BehaviorSubject, combineLatest, distinctUntilChanged, map, timer, type Observable } from 'rxjs';
import type { TtsEngine } from '../core/engine.ts';

export interface EngineGate {
  readonly ready$: Observable<boolean>;
  /** An attempt found no engine able to speak: hold for recheckMs. */
  holdAfterFailure(): void;
  close(): void;
}

export function createEngineGate(engine: Pick<TtsEngine, 'healthy'>, recheckMs = 1_000): EngineGate {
  const held$ = new BehaviorSubject(false);
  let release: ReturnType<typeof setTimeout> | undefined;
  return {
    ready$: combineLatest([timer(0, recheckMs).pipe(map(() => engine.healthy())), held$]).pipe(
      map(([healthy, held]) => healthy && !held),
      distinctUntilChanged(),
    ),
    holdAfterFailure() {
      held$.next(true);
      clearTimeout(release);
      release = setTimeout(() => held$.next(false), recheckMs);
      release.unref();
    },
    close() {
      clearTimeout(release);
      held$.complete();
    },
  };
}
