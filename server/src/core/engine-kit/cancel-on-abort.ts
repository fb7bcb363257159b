/**
 * Ties an observable to an AbortSignal: aborting errors it with SynthesisCancelledError and
 * unsubscribes the source at once (which closes the upstream).
 */
import { type MonoTypeOperatorFunction, Observable } from 'rxjs';
import { SynthesisCancelledError } from './resilience-errors.ts';

export function cancelOnAbort<T>(signal: AbortSignal | undefined): MonoTypeOperatorFunction<T> {
  if (!signal) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      if (signal.aborted) return subscriber.error(new SynthesisCancelledError());
      const onAbort = () => subscriber.error(new SynthesisCancelledError());
      signal.addEventListener('abort', onAbort, { once: true });
      const inner = source.subscribe(subscriber);
      return () => {
        signal.removeEventListener('abort', onAbort);
        inner.unsubscribe();
      };
    });
}
