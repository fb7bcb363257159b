import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every Prometheus series the relay exports. Names carry units. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'relay_process_' });
  const latencyBucketsMs = [25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2000, 5000];
  return {
    registry,
    firstAudioLatencyMs: new Histogram({
      name: 'relay_first_audio_latency_ms',
      help: 'Its turn came (taken from the queue) → first sample playing in an overlay (from its playback:start ack)',
      buckets: latencyBucketsMs,
      registers: [registry],
    }),
    queueWaitMs: new Histogram({
      name: 'relay_queue_wait_ms',
      help: 'Caption received → taken from the queue (waiting for an overlay, a free slot, the readouts ahead), of readouts that played',
      buckets: [...latencyBucketsMs, 10_000, 30_000, 60_000, 300_000, 900_000],
      registers: [registry],
    }),
    engineFirstChunkMs: new Histogram({
      name: 'relay_engine_first_chunk_ms',
      help: 'Synthesis start → first audio chunk from the engine',
      labelNames: ['engine'],
      buckets: latencyBucketsMs,
      registers: [registry],
    }),
    captionsTotal: new Counter({
      name: 'relay_captions_total',
      help: 'Captions submitted, by result (accepted, duplicate, rejected)',
      labelNames: ['source', 'result'],
      registers: [registry],
    }),
    utterancesFinishedTotal: new Counter({
      name: 'relay_utterances_finished_total',
      help: 'Utterances that reached a final state, by state and reason',
      labelNames: ['state', 'reason'],
      registers: [registry],
    }),
    queueActive: new Gauge({
      name: 'relay_queue_active',
      help: 'Utterances queued, synthesizing or playing',
      registers: [registry],
    }),
    overlaysConnected: new Gauge({
      name: 'relay_overlays_connected',
      help: 'Overlay sockets connected',
      registers: [registry],
    }),
    sourceDroppedTotal: new Counter({
      name: 'relay_source_dropped_total',
      help: 'Chat/ASR messages not read, by source and reason (moderation rule or queue refusal)',
      labelNames: ['source', 'reason'],
      registers: [registry],
    }),
    readoutsTakenOverTotal: new Counter({
      name: 'relay_readouts_taken_over_total',
      help: 'Readouts this process took over from a relay process whose lease ran out (scale-out)',
      registers: [registry],
    }),
    audioBytesSentTotal: new Counter({
      name: 'relay_audio_sent_bytes_total',
      help: 'PCM bytes sent to overlays (per utterance, not per socket)',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
