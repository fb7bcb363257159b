import { describe, expect, it } from 'vitest';
import { VoicesSettings } from '../settings/voices-settings.ts';
import { chooseVoice, stableVoice } from './voice-rules.ts';

const RULES = VoicesSettings.parse({
  sources: { twitch: 'source-voice' },
  paid: 'paid-voice',
  rewards: { 'reward-1': 'reward-voice', 小心心: 'gift-voice' },
  users: { 'twitch:42': 'user-voice' },
});

describe('chooseVoice', () => {
  const full = { source: 'twitch', userId: '42', paid: true, rewardId: 'reward-1', voice: 'caption-voice' };

  it('caption > reward > user > paid > source > global default, each step taken when the one above is missing', () => {
    expect(chooseVoice(full, RULES, 'default')).toBe('caption-voice');
    expect(chooseVoice({ ...full, voice: undefined }, RULES, 'default')).toBe('reward-voice');
    expect(chooseVoice({ ...full, voice: undefined, rewardId: undefined }, RULES, 'default')).toBe('user-voice');
    expect(chooseVoice({ source: 'twitch', userId: '7', paid: true }, RULES, 'default')).toBe('paid-voice');
    expect(chooseVoice({ source: 'twitch', userId: '7' }, RULES, 'default')).toBe('source-voice');
    expect(chooseVoice({ source: 'bilibili', userId: '7' }, RULES, 'default')).toBe('default');
    expect(chooseVoice({ source: 'bilibili' }, RULES, undefined)).toBeUndefined();
  });

  it('a Bilibili gift is a reward by its name; a user is matched on platform and id, not id alone', () => {
    expect(chooseVoice({ source: 'bilibili', giftName: '小心心', paid: true }, RULES, undefined)).toBe('gift-voice');
    expect(chooseVoice({ source: 'bilibili', userId: '42' }, RULES, undefined)).toBeUndefined();
  });

  it('never takes an inherited property of a rules record as a voice', () => {
    expect(chooseVoice({ source: 'constructor', rewardId: 'toString', userId: '__proto__' }, RULES, undefined)).toBeUndefined();
  });

  it("a viewer's own voice beats their random one; the random one beats the paid and source voices", () => {
    const rules = VoicesSettings.parse({ ...RULES, perViewer: ['only'] });
    expect(chooseVoice({ source: 'twitch', userId: '42' }, rules, undefined)).toBe('user-voice');
    expect(chooseVoice({ source: 'twitch', userId: '7', paid: true }, rules, undefined)).toBe('only');
    expect(chooseVoice({ source: 'twitch', paid: true }, rules, undefined)).toBe('paid-voice');
  });
});

describe('stableVoice', () => {
  const voices = ['a', 'b', 'c', 'd'];

  it('gives a viewer the same voice every time, and spreads viewers over the list', () => {
    const picks = Array.from({ length: 200 }, (_, i) => stableVoice(voices, 'twitch', String(i)));
    expect(Array.from({ length: 200 }, (_, i) => stableVoice(voices, 'twitch', String(i)))).toEqual(picks);
    expect(new Set(picks)).toEqual(new Set(voices));
  });

  it('depends on the platform too, and is off with an empty list', () => {
    const differs = Array.from({ length: 50 }, (_, i) => String(i)).some((id) => stableVoice(voices, 'twitch', id) !== stableVoice(voices, 'bilibili', id));
    expect(differs).toBe(true);
    expect(stableVoice([], 'twitch', '1')).toBeUndefined();
  });
});
