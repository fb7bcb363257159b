/** The run-time settings schemas the panel edits: defaults, and errors that name the field. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_POLICY } from '../queue/policy.ts';
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
