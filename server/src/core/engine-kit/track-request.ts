/**
 * What every engine records per request: the total time to the first audio packet, and its
 * failure (an upstream engine's health notes it: a rejected key disables it).
 */
import { defer, type MonoTypeOperatorFunction, tap } from 'rxjs';
import type { SynthesisOutput } from '../types.ts';
import type { EngineMetrics } from './engine-metrics.ts';

export function trackRequest(engine: string, metrics: EngineMetrics, onError?: (error: unknown) => void): MonoTypeOperatorFunction<SynthesisOutput> {
  return (source) =>
    defer(() => {
      const startedMs = Date.now();
      let waitingForAudio = true;
      return source.pipe(
        tap({
          next: (output) => {
            if (output.kind !== 'audio' || !waitingForAudio) return;
            waitingForAudio = false;
            metrics.observeFirstPacketMs(engine, 'total', Date.now() - startedMs);
          },
          error: (error: unknown) => onError?.(error),
        }),
      );
    });
}
