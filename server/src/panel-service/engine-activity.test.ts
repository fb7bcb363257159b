import { describe, expect, it } from 'vitest';
import { createInMemoryEngineMetrics } from '../core/engine-kit/in-memory-engine-metrics.ts';
import { recordEngineActivity } from './engine-activity.ts';

describe('recordEngineActivity', () => {
  it('counts failovers by reason, retries, throttled waits and keeps the latest pool size, forwarding every call', () => {
    const inner = createInMemoryEngineMetrics();
    const { metrics, snapshot } = recordEngineActivity(inner);
    metrics.countFailover('cosyvoice', 'embedded', 'first_packet_budget');
    metrics.countFailover('cosyvoice', 'embedded', 'first_packet_budget');
    metrics.countRetry('cosyvoice', 'connect_timeout');
    metrics.observeThrottledWaitMs('cosyvoice', 120);
    metrics.observeThrottledWaitMs('cosyvoice', 30);
    metrics.setPoolSize('cosyvoice', 'wss://a', 2, 0);
    metrics.setPoolSize('cosyvoice', 'wss://a', 1, 1);
    metrics.observeFirstPacketMs('cosyvoice', 'total', 200);
    expect(snapshot()).toEqual({
      failovers: { first_packet_budget: 2 },
      retries: 1,
      throttledWaits: { count: 2, totalMs: 150 },
      pool: [{ engine: 'cosyvoice', endpoint: 'wss://a', idle: 1, busy: 1 }],
    });
    expect(inner.failovers).toEqual({ 'cosyvoice->embedded': 2 });
    expect(inner.throttledWaitsMs).toEqual([120, 30]);
    expect(inner.poolSizes).toEqual({ 'cosyvoice:wss://a': { idle: 1, busy: 1 } });
    expect(inner.firstPacketMs).toEqual({ 'cosyvoice:total': [200] });
  });
});
