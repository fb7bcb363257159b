/**
 * The streamer's voice library: the presets of every configured engine plus the voices
 * cloned from a sample (stored by VoiceStore). Serves /api/voices (VoicesPort) and resolves a
 * caption's `voice` for the relay (VoiceResolver): a library id, a preset id
 * (`<engine>:<name>`), a library name, then a preset name in chain order; names compare
 * case-insensitively.
 */
import type { TtsEngine } from '../core/engine.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ResolvedVoice, VoiceInfo, VoiceResolver } from '../core/voices.ts';
import type { NewVoice, VoicesPort } from '../gateway/ports.ts';
import type { FfmpegOptions } from './ffmpeg-decode.ts';
import { normalizeSample } from './normalize-sample.ts';
import { SampleCache } from './sample-cache.ts';
import { nameKey, newVoiceId, type StoredVoice, VoiceStore } from './voice-store.ts';

/** The engines a voice can be cloned for (each says how in `TtsEngine.cloning`). */
export const CLONING_ENGINES = ['cosyvoice-selfhost', 'cosyvoice'] as const;

export interface VoiceLibraryOptions {
  /** Where the samples and the index live (`<data dir>/voices`). */
  dir: string;
  /** The configured engines, in chain order. */
  engines: readonly TtsEngine[];
  log: Logger;
  /** Default 200. */
  maxVoices?: number;
  ffmpeg?: FfmpegOptions;
}

export interface VoiceLibrary extends VoicesPort, VoiceResolver {
  close(): void;
}

type PresetVoice = Extract<ResolvedVoice, { kind: 'preset' }>;

const unavailable = (message: string): ValidationError => new ValidationError('voice_unavailable', message);

export function createVoiceLibrary({ dir, engines, log, maxVoices = 200, ffmpeg = {} }: VoiceLibraryOptions): VoiceLibrary {
  const store = new VoiceStore(dir, maxVoices);
  const samples = new SampleCache((id) => store.readWav(id));
  /** Names of voices being created (decoding, enrolling), so two uploads cannot both take one. */
  const pending = new Set<string>();
  for (const voice of store.missingSamples()) log.warn({ id: voice.id, name: voice.name }, 'voice library: sample file missing');

  const engineNamed = (name: string): TtsEngine | undefined => engines.find((e) => e.name === name);

  /** Why a library voice cannot be spoken with the engines configured now; undefined when it can. */
  const unusableReason = (voice: StoredVoice): string | undefined => {
    const engine = engineNamed(voice.engine);
    if (!engine) return `voice "${voice.name}" was made for ${voice.engine}, which is not configured (TTS_ENGINE)`;
    if (voice.enrolledVoiceId === undefined) return undefined;
    const { cloning } = engine;
    if (cloning.kind !== 'enrolled' || cloning.targetModel !== voice.targetModel) {
      const now = cloning.kind === 'enrolled' ? cloning.targetModel : 'no enrollment';
      return `voice "${voice.name}" was enrolled for model ${voice.targetModel}, but ${voice.engine} now uses ${now}; DashScope binds a voice to its model: create the voice again`;
    }
    return undefined;
  };

  const presetsOf = (engine: TtsEngine): VoiceInfo[] =>
    engine.voices().map((name) => ({ id: `${engine.name}:${name}`, name, engine: engine.name, kind: 'preset', createdAtMs: 0 }));

  const presetNamed = (name: string, candidates: readonly TtsEngine[]): PresetVoice | undefined => {
    const key = nameKey(name);
    for (const engine of candidates) {
      const preset = engine.voices().find((v) => nameKey(v) === key);
      if (preset !== undefined) return { kind: 'preset', name: preset, engine: engine.name };
    }
    return undefined;
  };

  /** A preset by id (`<engine>:<name>`) or by name. */
  const presetFor = (idOrName: string): PresetVoice | undefined => {
    const colon = idOrName.indexOf(':');
    const engine = colon > 0 ? engineNamed(idOrName.slice(0, colon)) : undefined;
    return (engine && presetNamed(idOrName.slice(colon + 1), [engine])) ?? presetNamed(idOrName, engines);
  };

  const resolveClone = (voice: StoredVoice): ResolvedVoice => {
    const reason = unusableReason(voice);
    if (reason) throw unavailable(reason);
    const clone =
      voice.enrolledVoiceId !== undefined
        ? { id: voice.id, engine: voice.engine, enrolledVoiceId: voice.enrolledVoiceId }
        : { id: voice.id, engine: voice.engine, prompt: { wav: samples.get(voice.id), text: voice.promptText, ...(voice.language ? { lang: voice.language } : {}) } };
    return { kind: 'clone', name: voice.name, clone };
  };

  /** The engine to clone for, or a 400 saying why it cannot be. */
  const cloningEngine = (name: string): TtsEngine => {
    if (!(CLONING_ENGINES as readonly string[]).includes(name)) {
      throw new ValidationError('unsupported_engine', `engine must be ${CLONING_ENGINES.join(' or ')}`);
    }
    const engine = engineNamed(name);
    if (!engine) {
      throw new ValidationError('engine_not_configured', `engine ${name} is not configured (TTS_ENGINE=${engines.map((e) => e.name).join(',')}); add it to clone voices for it`);
    }
    if (engine.cloning.kind === 'none') throw new ValidationError('cloning_unsupported', `engine ${name} cannot speak cloned voices`);
    return engine;
  };

  /** A 409 when the name is a library voice's, a preset's, or one being created. */
  const checkNameFree = (name: string): void => {
    if (store.byName(name) || pending.has(nameKey(name))) throw new ValidationError('name_taken', `a voice named "${name}" already exists`, 409);
    const preset = presetNamed(name, engines);
    if (preset) throw new ValidationError('name_taken', `"${name}" is a preset voice of ${preset.engine}; choose another name`, 409);
    if (store.size + pending.size >= maxVoices) throw new ValidationError('library_full', `the library holds ${maxVoices} voices; delete one first`, 409);
  };

  const create = async (input: NewVoice, signal?: AbortSignal): Promise<{ id: string; name: string }> => {
    const engine = cloningEngine(input.engine);
    checkNameFree(input.name);
    const key = nameKey(input.name);
    pending.add(key);
    try {
      const sample = await normalizeSample(input.audio, { ...ffmpeg, signal });
      const { cloning } = engine;
      const enrolled =
        cloning.kind === 'enrolled'
          ? { enrolledVoiceId: await cloning.enroll({ name: input.name, wav: sample.wav, promptText: input.promptText }, signal), targetModel: cloning.targetModel }
          : {};
      const voice: StoredVoice = {
        id: newVoiceId(),
        name: input.name,
        engine: engine.name,
        promptText: input.promptText,
        ...(input.language ? { language: input.language } : {}),
        createdAtMs: Date.now(),
        durationMs: sample.durationMs,
        ...enrolled,
      };
      try {
        store.add(voice, sample.wav);
      } catch (err) {
        if (cloning.kind === 'enrolled' && enrolled.enrolledVoiceId) {
          await cloning.remove(enrolled.enrolledVoiceId).catch((e: Error) => log.warn({ enrolledVoiceId: enrolled.enrolledVoiceId, err: e.message }, 'voice library: could not remove an enrolled voice that was not stored'));
        }
        throw err;
      }
      log.info({ id: voice.id, name: voice.name, engine: voice.engine, durationMs: voice.durationMs, enrolledVoiceId: voice.enrolledVoiceId }, 'voice created');
      return { id: voice.id, name: voice.name };
    } finally {
      pending.delete(key);
    }
  };

  return {
    list: () => [
      ...engines.flatMap(presetsOf),
      ...store.list().map((v): VoiceInfo => {
        const reason = unusableReason(v);
        return {
          id: v.id,
          name: v.name,
          engine: v.engine,
          kind: 'clone',
          ...(v.language ? { language: v.language } : {}),
          promptText: v.promptText,
          createdAtMs: v.createdAtMs,
          ...(reason ? { unavailable: reason } : {}),
        };
      }),
    ],

    async create(input, signal) {
      try {
        return await create(input, signal);
      } catch (err) {
        const code = (err as { code?: string }).code;
        log.warn({ name: input.name, engine: input.engine, bytes: input.audio.length, code }, `voice refused: ${(err as Error).message}`);
        throw err;
      }
    },

    async remove(id) {
      const voice = store.byId(id);
      if (!voice) {
        const preset = id.includes(':') ? presetFor(id) : undefined;
        const message = preset ? `${id} is a preset of ${preset.engine}; only library voices can be deleted` : `no library voice with id ${id}`;
        log.warn({ id }, `voice delete refused: ${message}`);
        throw new NotFoundError(message);
      }
      const cloning = engineNamed(voice.engine)?.cloning;
      if (voice.enrolledVoiceId !== undefined) {
        if (cloning?.kind === 'enrolled') await cloning.remove(voice.enrolledVoiceId);
        else log.warn({ id, enrolledVoiceId: voice.enrolledVoiceId }, `voice library: ${voice.engine} is not configured; the enrolled voice stays upstream`);
      }
      store.remove(id);
      samples.forget(id);
      log.info({ id, name: voice.name, engine: voice.engine }, 'voice deleted');
    },

    sample: (id) => (store.byId(id) ? samples.get(id) : undefined),

    resolve(idOrName) {
      const voice = store.byId(idOrName) ?? store.byName(idOrName);
      return voice ? resolveClone(voice) : presetFor(idOrName);
    },

    close: () => store.close(),
  };
}
