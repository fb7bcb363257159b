/**
 * What one request's run-task carries: its voice (a cloned voice enrolled for this engine, the
 * request's preset, or the default) and its instruction where the model takes one; or why the
 * request cannot be spoken at all (a clone enrolled for another model, an instruction too long).
 */
import { EngineError } from '../../server/src/core/errors.ts';
import type { CloneVoice, SynthesisRequest } from '../../server/src/core/types.ts';

/** `parameters.instruction` is at most 128 characters (DashScope Python SDK, `tts_v2.SpeechSynthesizer` docstring). */
export const MAX_INSTRUCTION_CHARS = 128;

/**
 * Models whose voices take `parameters.instruction`. The CosyVoice voice list
 * (help.aliyun.com/zh/model-studio/cosyvoice-voice-list) marks Instruct support per voice, and
 * only on cosyvoice-v3 voices (e.g. longanyang on cosyvoice-v3-flash); no cosyvoice-v1/v2
 * voice has it. A v3 voice without Instruct support ignores it.
 */
export function modelTakesInstruction(model: string): boolean {
  return /^cosyvoice-v3(\.\d+)?-/u.test(model);
}

export interface RequestVoice {
  voice: string;
  instruction?: string;
  /** The library voice spoken, when the voice is a clone enrolled for this engine. */
  clone?: CloneVoice;
}

export interface VoiceSettings {
  /** This engine's name: a clone whose `engine` is another one is spoken in the default voice. */
  engine: string;
  model: string;
  defaultVoice: string;
}

const ownClone = (request: SynthesisRequest, settings: VoiceSettings) =>
  request.clone?.engine === settings.engine ? request.clone : undefined;

/** The run-task voice and instruction of `request` (call `requestRefusal` first). */
export function requestVoice(request: SynthesisRequest, settings: VoiceSettings): RequestVoice {
  const clone = ownClone(request, settings);
  const voice = clone?.enrolledVoiceId ?? (request.clone ? settings.defaultVoice : (request.voice ?? settings.defaultVoice));
  const instruct = request.instruct?.trim();
  const instruction = instruct && modelTakesInstruction(settings.model) ? instruct : undefined;
  return { voice, ...(instruction ? { instruction } : {}), ...(clone ? { clone } : {}) };
}

/** Why `request` cannot be spoken by this engine as configured; undefined when it can. */
export function requestRefusal(request: SynthesisRequest, settings: VoiceSettings): EngineError | undefined {
  const clone = ownClone(request, settings);
  if (clone && !clone.enrolledVoiceId) {
    return new EngineError('clone_not_enrolled', `cloned voice "${clone.id}" has no DashScope voice id: create it again in the voice library`, false);
  }
  if (clone?.enrolledModel && clone.enrolledModel !== settings.model) {
    return new EngineError(
      'clone_model_mismatch',
      `cloned voice "${clone.id}" was enrolled for ${clone.enrolledModel}, but COSYVOICE_MODEL is ${settings.model}: DashScope binds a cloned voice to the model it was enrolled for; create the voice again (or set COSYVOICE_MODEL back)`,
      false,
    );
  }
  const { instruction } = requestVoice(request, settings);
  if (instruction && [...instruction].length > MAX_INSTRUCTION_CHARS) {
    return new EngineError('instruct_too_long', `instruct is ${[...instruction].length} characters; DashScope takes at most ${MAX_INSTRUCTION_CHARS}`, false);
  }
  return undefined;
}
