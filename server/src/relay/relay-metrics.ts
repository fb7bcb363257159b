/**
 * The relay's own counters: readouts by final state and reason, the active-queue gauge, audio
 * bytes sent, and readouts spoken per engine with each engine's first-chunk time.
 */
import { Subscription, type Observable } from 'rxjs';
import type { Logger } from '../core/logger.ts';
import type { OverlayEvent } from '../core/protocol.ts';
import { FINAL_STATES, type Utterance } from '../core/types.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { TimelineSummary } from '../pipeline/timeline.ts';

/** A bounded metrics label from a free-text reason ("synthesis failed (x): detail" → "synthesis failed (x)"). */
export function reasonLabel(reason: string | undefined): string {
  return (reason ?? 'ack').split(':')[0]!.slice(0, 48);
}

export interface RelayMetricsOptions {
  metrics: Metrics;
  queueChanges$: Observable<Utterance>;
  countActive: () => number;
  events$: Observable<OverlayEvent>;
  log: Logger;
}

export interface RelayMetrics {
  /** Readout `id` was synthesized by `engine`. */
  spoken(id: string, engine: string, summary: TimelineSummary): void;
  /** Readouts synthesized since start, by the engine that spoke them. */
  spokenCounts(): Record<string, number>;
  close(): void;
}

export function countRelayMetrics({ metrics, queueChanges$, countActive, events$, log }: RelayMetricsOptions): RelayMetrics {
  const spokenCounts: Record<string, number> = {};
  const subscription = new Subscription();
  metrics.queueActive.set(countActive());
  // Every final state is counted here, whichever path led to it.
  subscription.add(
    queueChanges$.subscribe((u) => {
      if (FINAL_STATES.includes(u.state)) {
        metrics.utterancesFinishedTotal.inc({ state: u.state, reason: reasonLabel(u.reason) });
      }
      metrics.queueActive.set(countActive());
    }),
  );
  subscription.add(
    events$.subscribe((event) => {
      if (event.type === 'audio:chunk') metrics.audioBytesSentTotal.inc(event.data.pcm.byteLength);
    }),
  );
  return {
    spoken(id, engine, summary) {
      spokenCounts[engine] = (spokenCounts[engine] ?? 0) + 1;
      if (summary.firstChunkMs !== undefined) metrics.engineFirstChunkMs.observe({ engine }, summary.firstChunkMs);
      log.info({ id, engine, firstChunkMs: summary.firstChunkMs, durationMs: summary.durationMs }, 'synthesis done');
    },
    spokenCounts: () => ({ ...spokenCounts }),
    close: () => subscription.unsubscribe(),
  };
}
