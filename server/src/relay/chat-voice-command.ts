/**
 * The chat voice command: `!tts <alias>: text` picks a voice by a streamer-defined alias.
 * The source has already stripped its command prefix (core/source.ts triggeredChatText), so
 * this sees `<alias>: text`. It is parsed here, at admission, and not in the sources: the
 * aliases are a run-time setting the panel edits, every platform shares one parser, and the
 * sources stay plugins that only translate their protocol.
 */
import type { ChatRole } from '../core/source.ts';
import type { VoicesSettings } from '../settings/voices-settings.ts';

/** `alias:` or `alias：` (a Chinese keyboard's colon), then the text. */
const ALIAS_PREFIX = /^([^\s:：]{1,40})\s*[:：]\s*(\S[\s\S]*)$/u;

/** Roles that may use the moderators' voices. */
const MODERATOR_ROLES: ReadonlySet<ChatRole> = new Set(['broadcaster', 'moderator']);

export interface ChatVoiceChoice {
  /** What to read. */
  text: string;
  /** The voice the alias picked; undefined = the viewer's voice (the voice rules decide). */
  voice?: string;
}

/**
 * An alias the chatter may use: its voice, and the text without it. An alias the chatter
 * may not use (a moderators' voice) is removed but picks nothing; an unknown alias (or no
 * alias, or the command off) leaves the whole text to be read with the viewer's voice.
 */
export function chatVoiceCommand(text: string, roles: readonly ChatRole[], command: VoicesSettings['chatCommand']): ChatVoiceChoice {
  if (!command.enabled) return { text };
  const match = ALIAS_PREFIX.exec(text);
  if (!match) return { text };
  const alias = match[1]!.toLowerCase();
  const entry = Object.entries(command.aliases).find(([name]) => name.toLowerCase() === alias);
  if (!entry) return { text };
  const voice = entry[1];
  const rest = match[2]!;
  const allowed = command.viewerVoices.includes(voice) || (roles.some((r) => MODERATOR_ROLES.has(r)) && command.moderatorVoices.includes(voice));
  return allowed ? { text: rest, voice } : { text: rest };
}
