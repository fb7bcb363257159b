/** The run-time settings schemas the panel edits: defaults, and errors that name the field. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_POLICY } from '../queue/policy.ts';
import { AsrVocabularySettings, hotWordsOf } from './asr-vocabulary-settings.ts';
import { OverlayStyleSettings } from './overlay-style-settings.ts';
import { QueuePolicySettings } from './queue-policy-settings.ts';
import { VoiceSettings } from './voice-settings.ts';
import { VoicesSettings } from './voices-settings.ts';

const firstIssue = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => {
  const issue = result.error?.issues[0];
  return issue && `${issue.path.join('.')}: ${issue.message}`;
};

describe('queue policy settings', () => {
  it('defaults to the built-in policy and keeps a whole policy as given (no merging)', () => {
    expect(QueuePolicySettings.parse({})).toEqual(DEFAULT_QUEUE_POLICY);
    const policy = { ...DEFAULT_QUEUE_POLICY, ttlMs: null, ttlMsByClass: {}, sourceLimits: { asr: { maxQueued: 5, overflow: 'reject' as const } } };
    expect(QueuePolicySettings.parse(policy)).toEqual(policy);
  });

  it('refuses classes out of order, bad TTLs, bad bounds and unknown fields', () => {
    expect(firstIssue(QueuePolicySettings.safeParse({ classes: { paid: 1, moderator: 2, subscriber: 0, viewer: -1 } }))).toMatch(
      /classes.moderator \(2\) must be below classes.paid \(1\)/,
    );
    expect(firstIssue(QueuePolicySettings.safeParse({ ttlMs: 0 }))).toMatch(/^ttlMs: /);
    expect(firstIssue(QueuePolicySettings.safeParse({ sourceLimits: { twitch: { maxQueued: 0, overflow: 'reject' } } }))).toMatch(
      /^sourceLimits.twitch.maxQueued: /,
    );
    expect(firstIssue(QueuePolicySettings.safeParse({ sourceLimits: { twitch: { maxQueued: 5, overflow: 'explode' } } }))).toMatch(
      /^sourceLimits.twitch.overflow: /,
    );
    expect(QueuePolicySettings.safeParse({ ttl: 5 }).success).toBe(false);
  });
});

describe('voice settings', () => {
  it('defaults to the engine speaking normally and bounds rate, pitch and volume', () => {
    expect(VoiceSettings.parse({})).toEqual({ rate: 1, pitch: 1, volumePercent: 100 });
    expect(firstIssue(VoiceSettings.safeParse({ pitch: 0.1 }))).toMatch(/^pitch: /);
    expect(firstIssue(VoiceSettings.safeParse({ volumePercent: 250 }))).toMatch(/^volumePercent: /);
    expect(firstIssue(VoiceSettings.safeParse({ voice: '' }))).toMatch(/^voice: /);
  });
});

describe('voices settings (voices.json)', () => {
  it('defaults to no rules and the chat command off', () => {
    expect(VoicesSettings.parse({})).toEqual({
      sources: {},
      rewards: {},
      users: {},
      perViewer: [],
      chatCommand: { enabled: false, aliases: {}, viewerVoices: [], moderatorVoices: [] },
    });
  });

  it('refuses users without a platform, aliases with spaces or colons, empty voices and unknown fields', () => {
    expect(firstIssue(VoicesSettings.safeParse({ users: { '12345': 'narrator' } }))).toMatch(/^users.12345: .*platform/);
    expect(firstIssue(VoicesSettings.safeParse({ chatCommand: { aliases: { 'two words': 'x' } } }))).toMatch(/^chatCommand.aliases.two words: /);
    expect(firstIssue(VoicesSettings.safeParse({ chatCommand: { aliases: { 'a:b': 'x' } } }))).toMatch(/^chatCommand.aliases.a:b: /);
    expect(firstIssue(VoicesSettings.safeParse({ paid: ' ' }))).toMatch(/^paid: /);
    expect(VoicesSettings.safeParse({ voice: 'x' }).success).toBe(false);
    expect(VoicesSettings.parse({ users: { 'bilibili:678': '旁白' } }).users).toEqual({ 'bilibili:678': '旁白' });
  });
});

describe('overlay style settings', () => {
  it('keeps valid style parameters and refuses others with what they accept', () => {
    const style = { font: 'Noto Sans SC', size: '48', color: '#ffcc00', bg: 'rgba(0,0,0,0.5)', position: 'top', shadow: 'false' };
    expect(OverlayStyleSettings.parse(style)).toEqual(style);
    expect(firstIssue(OverlayStyleSettings.safeParse({ color: 'red;background:url(x)' }))).toMatch(/^color: .* refused, expected a colour/);
    expect(firstIssue(OverlayStyleSettings.safeParse({ leadMs: '100' }))).toMatch(/^leadMs: unknown style parameter/);
    expect(OverlayStyleSettings.safeParse({ size: 48 }).success).toBe(false);
  });
});

describe('hot words (asr-vocabulary.json)', () => {
  it('defaults to none and fills the weight', () => {
    expect(AsrVocabularySettings.parse({})).toEqual({ words: [] });
    expect(AsrVocabularySettings.parse({ words: [{ text: 'CosyVoice', weight: 5, lang: 'en' }, { text: ' 直播间 ' }] }).words).toEqual([
      { text: 'CosyVoice', weight: 5, lang: 'en' },
      { text: '直播间', weight: 4 },
    ]);
  });

  it("keeps to DashScope's limits: 15 characters with non-ASCII ones, 7 English words, weight 1–5, 500 words", () => {
    expect(AsrVocabularySettings.safeParse({ words: [{ text: 'Goodbye Mr. Loser' }, { text: 'EGFR抑制剂' }] }).success).toBe(true);
    expect(firstIssue(AsrVocabularySettings.safeParse({ words: [{ text: '一二三四五六七八九十一二三四五六' }] }))).toMatch(/^words.0.text: .*at most 15 characters/);
    expect(firstIssue(AsrVocabularySettings.safeParse({ words: [{ text: 'one two three four five six seven eight' }] }))).toMatch(/at most 7 words/);
    expect(firstIssue(AsrVocabularySettings.safeParse({ words: [{ text: 'x', weight: 6 }] }))).toMatch(/^words.0.weight: /);
    expect(firstIssue(AsrVocabularySettings.safeParse({ words: [{ text: 'x', lang: 'English' }] }))).toMatch(/^words.0.lang: /);
    expect(firstIssue(AsrVocabularySettings.safeParse({ words: [{ text: '' }] }))).toMatch(/^words.0.text: /);
    expect(firstIssue(AsrVocabularySettings.safeParse({ words: [{ text: 'a' }, { text: 'a' }] }))).toMatch(/^words.1.text: .*twice/);
    expect(AsrVocabularySettings.safeParse({ words: Array.from({ length: 501 }, (_, i) => ({ text: `w${i}` })) }).success).toBe(false);
    expect(hotWordsOf(AsrVocabularySettings.parse({ words: [{ text: '弹幕' }] }))).toEqual([{ text: '弹幕', weight: 4 }]);
  });
});
