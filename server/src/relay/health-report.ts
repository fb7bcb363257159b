/** /healthz: whether any engine can speak, each engine of the chain with why not and whether its servers answer, and the queue. */
import type { EngineChain } from '../core/engine.ts';
import type { HealthReport } from '../gateway/ports.ts';

export function healthReport(engine: EngineChain, queue: { active: number; overlays: number }): HealthReport {
  const healthy = engine.healthy();
  const detail = engine.healthReason();
  const chain = engine.statuses();
  return {
    status: healthy && chain.every((e) => e.healthy) ? 'ok' : 'degraded',
    canSpeak: healthy,
    engine: {
      name: engine.name,
      healthy,
      ...(detail ? { detail } : {}),
      ...(engine.engines.length > 1 ? { chain, spokenBy: engine.stats().spokenBy } : {}),
      ...(engine.engines.length === 1 && chain[0]?.endpoints ? { endpoints: chain[0].endpoints } : {}),
    },
    queue,
  };
}
