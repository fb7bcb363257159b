/** The recognizers' RecognizerMetrics reported as Prometheus series on the relay's registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RecognizerMetrics } from '../core/recognizer.ts';

export function createPromRecognizerMetrics(registry: Registry): RecognizerMetrics {
  const registers = [registry];
  const audioSentS = new Counter({ name: 'relay_asr_audio_sent_seconds_total', help: 'Audio sent to the recognizer, by engine and whether it was a replay', labelNames: ['engine', 'replay'], registers });
  const audioDroppedS = new Counter({ name: 'relay_asr_audio_dropped_seconds_total', help: 'Audio dropped from the full replay buffer before it was acknowledged', labelNames: ['engine'], registers });
  const results = new Counter({ name: 'relay_asr_results_total', help: 'Recognition results, by kind (partial, final)', labelNames: ['engine', 'kind'], registers });
  const duplicates = new Counter({ name: 'relay_asr_duplicate_finals_total', help: 'Finals recognized twice after a replay and suppressed', labelNames: ['engine'], registers });
  const tasks = new Counter({ name: 'relay_asr_tasks_total', help: 'Upstream recognition tasks started, by reason (start, rollover, reconnect, resume)', labelNames: ['engine', 'reason'], registers });
  const sessions = new Gauge({ name: 'relay_asr_sessions_open', help: 'Recognition sessions open', labelNames: ['engine'], registers });
  const finalLatencyMs = new Histogram({
    name: 'relay_asr_final_latency_ms',
    help: "End of a sentence's audio written → its final result",
    labelNames: ['engine'],
    buckets: [100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000],
    registers,
  });
  return {
    addAudioSentMs: (engine, ms, replay) => audioSentS.inc({ engine, replay: String(replay) }, ms / 1000),
    addAudioDroppedMs: (engine, ms) => audioDroppedS.inc({ engine }, ms / 1000),
    countResult: (engine, kind) => results.inc({ engine, kind }),
    countDuplicateFinal: (engine) => duplicates.inc({ engine }),
    countTask: (engine, reason) => tasks.inc({ engine, reason }),
    setSessionsOpen: (engine, open) => sessions.set({ engine }, open),
    observeFinalLatencyMs: (engine, ms) => finalLatencyMs.observe({ engine }, ms),
  };
}
