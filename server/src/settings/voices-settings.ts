/**
 * Which voice speaks each readout (voices.json): a default per source, a voice for paid
 * readouts, per-reward and per-user voices, a random-but-stable voice per viewer, and the
 * chat command `!tts <alias>: text`. Voices are library ids or names, or engine presets;
 * the rules are applied at admission (server/src/relay/voice-rules.ts).
 */
import { z } from 'zod';

/** A library voice's id or name, or an engine preset (the same shape POST /api/captions accepts). */
const VoiceName = z.string().trim().min(1).max(100);
/**
 * A record of voices whose keys must match `pattern`; a bad key is reported under its own
 * path with `message` (a record's own key check only says "Invalid key in record").
 */
function voicesKeyedBy(pattern: RegExp, message: string) {
  return z.record(z.string(), VoiceName).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!pattern.test(key)) ctx.addIssue({ code: 'custom', path: [key], message });
    }
  });
}

/** A chat alias: one word, no colon (`!tts <alias>: text`), matched case-insensitively. */
const ALIAS = /^[^\s:：]{1,40}$/u;
/** `<platform>:<user id>`, e.g. `twitch:12345` or `bilibili:678`. */
const USER_KEY = /^[a-z][a-z0-9_-]{0,39}:\S{1,100}$/;

export const VoicesSettings = z
  .object({
    /** Source name ('twitch', 'bilibili', 'kick', 'asr', 'http', 'panel') → its readouts' voice. */
    sources: z.record(z.string().trim().min(1).max(40), VoiceName).default({}),
    /** The voice of paid readouts (bits, gifts, super chats, subs). */
    paid: VoiceName.optional(),
    /** Twitch custom reward id or Bilibili gift name → the voice of that redemption or gift. */
    rewards: z.record(z.string().trim().min(1).max(100), VoiceName).default({}),
    /** `<platform>:<user id>` → that viewer's voice. */
    users: voicesKeyedBy(USER_KEY, 'a user is "<platform>:<user id>", e.g. twitch:12345').default({}),
    /** Viewers without a voice of their own each get one of these, the same one every time (empty = off). */
    perViewer: z.array(VoiceName).max(100).default([]),
    /** `!tts <alias>: text` in chat (after the command prefix). */
    chatCommand: z
      .object({
        enabled: z.boolean().default(false),
        /** Alias → voice. */
        aliases: voicesKeyedBy(ALIAS, 'an alias is one word of at most 40 characters, without spaces or colons').default({}),
        /** Voices every viewer may pick by alias. */
        viewerVoices: z.array(VoiceName).max(100).default([]),
        /** Voices moderators (and the broadcaster) may pick besides the viewers' ones. */
        moderatorVoices: z.array(VoiceName).max(100).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type VoicesSettings = z.output<typeof VoicesSettings>;
