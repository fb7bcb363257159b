/**
 * Every moderation setting in one zod schema, with defaults: `ModerationSettings.parse({})`
 * is a working configuration. The API/UI edits a `ModerationSettingsInput` and parses it.
 */
import { z } from 'zod';
import { CHAT_ROLES } from '../core/source.ts';

const Role = z.enum(CHAT_ROLES);

/** A word said instead of something, per language of the message. */
const SpokenWord = z.object({ en: z.string().min(1), zh: z.string().min(1) });

/** Chat bots whose messages are never read, unless the list is changed. */
const KNOWN_BOTS = ['nightbot', 'streamelements', 'streamlabs', 'moobot', 'fossabot', 'wizebot', 'sery_bot'];

export const ModerationSettings = z.object({
  links: z
    .object({
      enabled: z.boolean().default(true),
      /** What a link is read as. */
      replacement: SpokenWord.default({ en: 'link', zh: '链接' }),
    })
    .prefault({}),
  emotes: z
    .object({
      /** Emote names removed as whole words (e.g. third-party "KEKW"); platform emotes are removed by the sources. */
      words: z.array(z.string().min(1)).default([]),
      stripEmoji: z.boolean().default(true),
    })
    .prefault({}),
  repeats: z
    .object({
      enabled: z.boolean().default(true),
      /** A character, emoji or group of up to 4 repeated more often than this is cut to this many. */
      maxCharRepeats: z.number().int().min(1).max(20).default(3),
      /** A word repeated more often than this is cut to this many. */
      maxWordRepeats: z.number().int().min(1).max(20).default(2),
    })
    .prefault({}),
  length: z
    .object({
      /** Code points kept, cut at a word boundary. */
      maxChars: z.number().int().min(1).default(200),
      /** Estimated speaking time kept, cut at a word boundary. */
      maxSpokenSeconds: z.number().positive().default(20),
      zhCharsPerSecond: z.number().positive().default(4.5),
      enWordsPerSecond: z.number().positive().default(2.7),
    })
    .prefault({}),
  bannedWords: z
    .object({
      /** Case-insensitive; Latin words match whole words, Chinese ones anywhere. */
      words: z.array(z.string().trim().min(1)).default([]),
      action: z.enum(['drop', 'bleep']).default('drop'),
      bleep: SpokenWord.default({ en: 'beep', zh: '哔' }),
    })
    .prefault({}),
  users: z
    .object({
      /** Never read (names or platform user ids, case-insensitive). */
      deny: z.array(z.string().min(1)).default(KNOWN_BOTS),
      /** Always read: skip the role gate, cooldown, per-user cap and duplicate check. */
      allow: z.array(z.string().min(1)).default([]),
      /** User (name, case-insensitive) → how to say it; also applied to @mentions. */
      spokenNames: z.record(z.string(), z.string().min(1)).default({}),
    })
    .prefault({}),
  roles: z
    .object({
      /** Who may be read at all ('viewer' = everyone). */
      allowed: z.array(Role).default([...CHAT_ROLES]),
      /** Roles that skip the role gate, cooldown, per-user cap and duplicate check. */
      bypass: z.array(Role).default(['broadcaster', 'moderator']),
      /** Paid messages (bits, gifts, super chats) skip the role gate too; they always skip the cooldown, per-user cap and duplicate check. */
      paidBypass: z.boolean().default(true),
    })
    .prefault({}),
  /** Minimum time between two readouts of one user; 0 = off. */
  cooldownMs: z.number().int().min(0).default(10_000),
  /** Readouts one user may have waiting in the queue; 0 = no limit. */
  maxQueuedPerUser: z.number().int().min(0).default(3),
  duplicates: z
    .object({
      /** The same text (ignoring case, spacing, punctuation) within this window is dropped; 0 = off. */
      windowMs: z.number().int().min(0).default(60_000),
      /** 'global': copypasta from anyone; 'user': only one user's repeats. */
      scope: z.enum(['global', 'user']).default('global'),
    })
    .prefault({}),
});

export type ModerationSettings = z.infer<typeof ModerationSettings>;
export type ModerationSettingsInput = z.input<typeof ModerationSettings>;

export const DEFAULT_MODERATION_SETTINGS: ModerationSettings = ModerationSettings.parse({});
