/**
 * The streamer's voices: every engine's presets plus the voices cloned from a sample, as
 * `GET /api/voices` lists them, and how a caption's `voice` (an id or a name) resolves.
 */
import type { CloneVoice } from './types.ts';

export type VoiceKind = 'preset' | 'clone';

export interface VoiceInfo {
  id: string;
  name: string;
  engine: string;
  kind: VoiceKind;
  /** The sample's language (clones) or the preset's, when known. */
  language?: string;
  /** The sample's transcript (clones). */
  promptText?: string;
  createdAtMs: number;
  /** Why a library voice cannot be used now (its engine is not configured, or it was enrolled for another model). */
  unavailable?: string;
}

/** A caption's `voice`, resolved: an engine's preset by name, or a clone from the library. */
export type ResolvedVoice = { kind: 'preset'; name: string; engine?: string } | { kind: 'clone'; name: string; clone: CloneVoice };

/** How the relay looks voices up (the voice library implements it). */
export interface VoiceResolver {
  /**
   * Undefined when no engine preset and no library voice has this id or name. Throws a
   * ValidationError (`voice_unavailable`, 400) for a library voice that exists but cannot be
   * spoken now: its engine is not configured, or it was enrolled for another model.
   */
  resolve(idOrName: string): ResolvedVoice | undefined;
}
