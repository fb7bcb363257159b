/** Default speech of readouts that carry none (voice.json): voice name, rate, pitch, volume. */
import { z } from 'zod';

const SPEECH_MULTIPLIER_RANGE = [0.5, 2] as const;

const multiplier = z.number().min(SPEECH_MULTIPLIER_RANGE[0]).max(SPEECH_MULTIPLIER_RANGE[1]).default(1);

export const VoiceSettings = z
  .object({
    /** An engine voice name; unset = each engine's own default. */
    voice: z.string().trim().min(1).max(100).optional(),
    /** Speaking speed, a multiple of the engine's normal rate (engines that cannot change it ignore it). */
    rate: multiplier,
    /** Voice pitch, a multiple of the engine's normal pitch (engines that cannot change it ignore it). */
    pitch: multiplier,
    /** Output volume applied by the relay to every engine's audio (100 = unchanged). */
    volumePercent: z.number().int().min(0).max(200).default(100),
  })
  .strict();

export type VoiceSettings = z.output<typeof VoiceSettings>;
