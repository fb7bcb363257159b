/** OBS settings the panel edits (obs.json): the caption delay. */
import { z } from 'zod';

/** Longest caption delay accepted (OBS's encoder delay is well under this). */
export const MAX_CAPTION_DELAY_MS = 10_000;

export const ObsSettings = z
  .object({
    /**
     * How long after the audio plays its captions go into the stream, to match OBS's encoder
     * delay. Unset: OBS_CAPTION_DELAY_MS, else chosen from OBS's stream encoder on connect.
     */
    captionDelayMs: z.number().int().min(0).max(MAX_CAPTION_DELAY_MS).optional(),
  })
  .strict();

export type ObsSettings = z.output<typeof ObsSettings>;
