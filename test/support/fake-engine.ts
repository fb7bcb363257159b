/** Test helper: a TtsEngine from just the parts a test cares about; the rest are quiet defaults. */
import { EMPTY } from 'rxjs';
import { NO_CLONING, type TtsEngine } from '../../server/src/core/engine.ts';

/** Defaults: 16 kHz, no speech params, no voices, speaks nothing, healthy, closes at once. */
export function fakeEngine<T extends Partial<TtsEngine>>(parts: T): TtsEngine & T {
  const name = parts.name ?? 'fake';
  const healthy = parts.healthy ?? (() => true);
  return {
    name,
    sampleRateHz: 16_000,
    speechParams: [],
    cloning: NO_CLONING,
    voices: () => [],
    synthesize: () => EMPTY,
    healthy,
    healthReason: () => (healthy() ? undefined : `${name} is unhealthy`),
    close: async () => {},
    ...parts,
  };
}
