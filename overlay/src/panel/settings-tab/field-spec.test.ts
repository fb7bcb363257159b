import { describe, expect, it } from 'vitest';
import { formatField, getPath, parseField, setPath, type FieldKind } from './field-spec.ts';

const roundTrip = (kind: FieldKind, value: unknown) => parseField(kind, formatField(kind, value));

describe('settings fields', () => {
  it('reads and writes nested paths, creating objects and removing keys', () => {
    const root: Record<string, unknown> = { users: { deny: ['a'] } };
    expect(getPath(root, 'users.deny')).toEqual(['a']);
    expect(getPath(root, 'users.none.deeper')).toBeUndefined();
    setPath(root, 'ttlMsByClass.paid', { value: null });
    setPath(root, 'users.deny', { remove: true });
    expect(root).toEqual({ users: {}, ttlMsByClass: { paid: null } });
  });

  it('round-trips each kind', () => {
    expect(roundTrip({ type: 'lines' }, ['spam', 'scam'])).toEqual({ value: ['spam', 'scam'] });
    expect(roundTrip({ type: 'pairs' }, { xX_gamer: 'gamer', 小明: '明' })).toEqual({ value: { xX_gamer: 'gamer', 小明: '明' } });
    expect(roundTrip({ type: 'limits' }, { twitch: { maxQueued: 50, overflow: 'drop-oldest' } })).toEqual({
      value: { twitch: { maxQueued: 50, overflow: 'drop-oldest' } },
    });
    expect(roundTrip({ type: 'set', options: ['a', 'b'] }, ['b'])).toEqual({ value: ['b'] });
    expect(roundTrip({ type: 'words' }, [{ text: 'CosyVoice', weight: 4, lang: 'en' }, { text: '直播间', weight: 5 }])).toEqual({
      value: [{ text: 'CosyVoice', weight: 4, lang: 'en' }, { text: '直播间', weight: 5 }],
    });
    expect(roundTrip({ type: 'bool', asString: true }, 'true')).toEqual({ value: 'true' });
    expect(roundTrip({ type: 'bool', asString: true, initial: true }, undefined)).toEqual({ value: 'true' });
    expect(roundTrip({ type: 'number', min: 0 }, 3000)).toEqual({ value: 3000 });
  });

  it('tells never, inherit and empty apart for TTLs', () => {
    expect(formatField({ type: 'ttl', inherit: true }, null)).toBe('never');
    expect(parseField({ type: 'ttl', inherit: true }, '')).toEqual({ remove: true });
    expect(parseField({ type: 'ttl', inherit: true }, 'never')).toEqual({ value: null });
    expect(parseField({ type: 'ttl', inherit: false }, '')).toEqual({ value: null });
    expect(parseField({ type: 'ttl', inherit: false }, '60000')).toEqual({ value: 60000 });
  });

  it('says which text it cannot read', () => {
    expect(parseField({ type: 'number' }, 'ten')).toEqual({ error: 'invalidNumber' });
    expect(parseField({ type: 'number' }, '')).toEqual({ error: 'invalidNumber' });
    expect(parseField({ type: 'number', optional: true, asString: true }, '')).toEqual({ remove: true });
    expect(parseField({ type: 'pairs' }, 'no equals sign')).toEqual({ error: 'invalidLine' });
    expect(parseField({ type: 'limits' }, 'twitch = lots')).toEqual({ error: 'invalidLine' });
    expect(parseField({ type: 'words' }, '直播间\nCosyVoice | 5\nGoodbye Mr. Loser | | en')).toEqual({
      value: [{ text: '直播间' }, { text: 'CosyVoice', weight: 5 }, { text: 'Goodbye Mr. Loser', lang: 'en' }],
    });
    expect(parseField({ type: 'words' }, 'word | heavy')).toEqual({ error: 'invalidNumber' });
    expect(parseField({ type: 'words' }, ' | 4')).toEqual({ error: 'invalidLine' });
    expect(parseField({ type: 'words' }, 'a | 4 | en | extra')).toEqual({ error: 'invalidLine' });
    expect(parseField({ type: 'text', optional: true }, '  ')).toEqual({ remove: true });
  });
});
