/**
 * Which voice speaks a readout, decided once at admission and stored with it (so history
 * shows it): the caption's own voice > its reward's or gift's voice > the viewer's voice
 * (their own, else a random-but-stable one from the allowed list) > the paid voice > its
 * source's default > the global default (voice.json). Undefined = each engine's own default.
 */
import { createHash } from 'node:crypto';
import type { SourceCaption } from '../core/source.ts';
import type { VoicesSettings } from '../settings/voices-settings.ts';

/** What the rules look at: a streamer caption has only a source and maybe a voice of its own. */
export type VoiceRuleInput = Pick<SourceCaption, 'source' | 'userId' | 'rewardId' | 'giftName'> & { voice?: string; paid?: boolean };

export function chooseVoice(caption: VoiceRuleInput, rules: VoicesSettings, defaultVoice: string | undefined): string | undefined {
  return (
    caption.voice ??
    rewardVoice(caption, rules) ??
    viewerVoice(caption, rules) ??
    (caption.paid ? rules.paid : undefined) ??
    own(rules.sources, caption.source) ??
    defaultVoice
  );
}

function rewardVoice(c: VoiceRuleInput, rules: VoicesSettings): string | undefined {
  return (c.rewardId !== undefined ? own(rules.rewards, c.rewardId) : undefined) ?? (c.giftName !== undefined ? own(rules.rewards, c.giftName) : undefined);
}

function viewerVoice(c: VoiceRuleInput, rules: VoicesSettings): string | undefined {
  if (c.userId === undefined) return undefined;
  return own(rules.users, `${c.source}:${c.userId}`) ?? stableVoice(rules.perViewer, c.source, c.userId);
}

/**
 * One of `voices` for this viewer, the same one every time (and in every process): picked by
 * a hash of platform and user id, not by the order viewers arrive in.
 */
export function stableVoice(voices: readonly string[], source: string, userId: string): string | undefined {
  if (voices.length === 0) return undefined;
  const digest = createHash('sha256').update(`${source}:${userId}`).digest();
  return voices[digest.readUInt32BE(0) % voices.length];
}

/** A record's own value (settings keys come from the streamer: never an inherited property). */
function own(record: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
