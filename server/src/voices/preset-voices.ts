/**
 * The engines' own (preset) voices as a VoiceResolver: by id (`<engine>:<name>`) or by name
 * in chain order, names compared case-insensitively. An engine that cannot list its voices
 * (`voices()` is empty, e.g. the network engines) cannot be checked: any name is taken as
 * its preset, and its upstream says whether it knows it.
 */
import type { TtsEngine } from '../core/engine.ts';
import type { ResolvedVoice } from '../core/voices.ts';
import { nameKey } from './voice-store.ts';

export type PresetVoice = Extract<ResolvedVoice, { kind: 'preset' }>;

type Lister = Pick<TtsEngine, 'name' | 'voices'>;

/** The first of `candidates` that lists `name` (case-insensitively), with the name as the engine spells it. */
export function listedPreset(name: string, candidates: readonly Lister[]): PresetVoice | undefined {
  const key = nameKey(name);
  for (const engine of candidates) {
    const preset = engine.voices().find((v) => nameKey(v) === key);
    if (preset !== undefined) return { kind: 'preset', name: preset, engine: engine.name };
  }
  return undefined;
}

export function presetVoices(engines: readonly Lister[]): { resolve(idOrName: string): PresetVoice | undefined } {
  return {
    resolve(idOrName) {
      const colon = idOrName.indexOf(':');
      const engine = colon > 0 ? engines.find((e) => e.name === idOrName.slice(0, colon)) : undefined;
      const byId = engine && listedPreset(idOrName.slice(colon + 1), [engine]);
      if (byId) return byId;
      const byName = listedPreset(idOrName, engines);
      if (byName) return byName;
      const unlisted = engines.find((e) => e.voices().length === 0);
      return unlisted && { kind: 'preset', name: idOrName, engine: unlisted.name };
    },
  };
}
