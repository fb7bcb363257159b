import { describe, expect, it } from 'vitest';
import { DEFAULT_MODERATION_SETTINGS } from '../moderation/settings.ts';
import { withoutUserDenied, withUserDenied } from './deny-list.ts';

describe('deny list', () => {
  it('adds a user once (case-insensitive) and removes every spelling of it', () => {
    const banned = withUserDenied(DEFAULT_MODERATION_SETTINGS, 'Troll42');
    expect(banned.users.deny).toEqual([...DEFAULT_MODERATION_SETTINGS.users.deny, 'Troll42']);
    expect(withUserDenied(banned, 'troll42')).toBe(banned);
    expect(withoutUserDenied(banned, 'TROLL42').users.deny).toEqual(DEFAULT_MODERATION_SETTINGS.users.deny);
    expect(DEFAULT_MODERATION_SETTINGS.users.deny).not.toContain('Troll42');
  });
});
