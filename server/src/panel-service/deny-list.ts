/** Bans from the panel live in the moderation settings' users.deny list (names, case-insensitive). */
import type { ModerationSettings } from '../moderation/settings.ts';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** `settings` with `user` in users.deny (unchanged when already there). */
export function withUserDenied(settings: ModerationSettings, user: string): ModerationSettings {
  if (settings.users.deny.some((d) => same(d, user))) return settings;
  return { ...settings, users: { ...settings.users, deny: [...settings.users.deny, user] } };
}

/** `settings` without `user` in users.deny. */
export function withoutUserDenied(settings: ModerationSettings, user: string): ModerationSettings {
  return { ...settings, users: { ...settings.users, deny: settings.users.deny.filter((d) => !same(d, user)) } };
}
