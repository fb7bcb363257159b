/**
 * A VoiceResolver that knows only the engines' presets: what the relay uses until the voice
 * library (which adds the streamer's cloned voices) is handed in by the composition root.
 */
import type { TtsEngine } from '../core/engine.ts';
import type { VoiceResolver } from '../core/voices.ts';

/**
 * A name one of `engines` lists is its preset. An engine that cannot list its voices
 * (`voices()` is empty, e.g. the network engines) cannot be checked: any name is taken as
 * its preset, and the upstream says whether it knows it.
 */
export function presetVoices(engines: readonly Pick<TtsEngine, 'name' | 'voices'>[]): VoiceResolver {
  return {
    resolve(name) {
      const lister = engines.find((e) => e.voices().includes(name));
      if (lister) return { kind: 'preset', name, engine: lister.name };
      const unlisted = engines.find((e) => e.voices().length === 0);
      return unlisted && { kind: 'preset', name, engine: unlisted.name };
    },
  };
}
