/** Engines that can say why they cannot speak (shown by /healthz). */
import type { TtsEngine } from '../engine.ts';

export interface HealthReporting {
  /** Undefined while healthy; otherwise a sentence for the operator. */
  healthReason(): string | undefined;
}

export function healthReasonOf(engine: TtsEngine): string | undefined {
  if (engine.healthy()) return undefined;
  const reporting = engine as Partial<HealthReporting>;
  return reporting.healthReason?.() ?? `${engine.name} is unhealthy`;
}
