import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../core/history.ts';
import type { Utterance } from '../core/types.ts';
import type { HealthReport } from '../gateway/ports.ts';
import { ModerationSettings } from '../moderation/settings.ts';
import { OverlayStyleSettings } from '../settings/overlay-style-settings.ts';
import { AsrVocabularySettings } from '../settings/asr-vocabulary-settings.ts';
import { ObsSettings } from '../settings/obs-settings.ts';
import { QueuePolicySettings } from '../settings/queue-policy-settings.ts';
import { SettingsStore } from '../settings/settings-store.ts';
import { VoiceSettings } from '../settings/voice-settings.ts';
import { VoicesSettings } from '../settings/voices-settings.ts';
import { createPanelService, type ObsPort, type PanelService, type PanelServiceDeps } from './panel-service.ts';

let dir: string;
let service: PanelService;
const calls: string[] = [];
const changes$ = new Subject<Utterance>();
const NOW_MS = 50_000_000;

const health: HealthReport = {
  status: 'ok',
  canSpeak: true,
  engine: { name: 'embedded', healthy: true, instructIgnored: 0 },
  queue: { active: 0, overlays: 0 },
};

const played = (id: string, firstAudioMs: number): HistoryEntry => ({
  id,
  text: `text ${id}`,
  user: 'viewer',
  source: 'http',
  priority: 0,
  receivedAtMs: NOW_MS - 5_000,
  state: 'played',
  updatedAtMs: NOW_MS - 1_000,
  firstAudioMs,
  words: [],
});

function start(overrides: Partial<PanelServiceDeps> = {}): PanelService {
  const store = <S extends ConstructorParameters<typeof SettingsStore>[1]>(file: string, schema: S) => new SettingsStore(join(dir, file), schema);
  service = createPanelService({
    relay: {
      health: () => health,
      dropUser: (user, reason) => {
        calls.push(`dropUser(${user}, ${reason})`);
        return 2;
      },
      history: () => [played('a', 120), played('b', 180)],
      spokenCounts: () => ({ embedded: 2 }),
    },
    queueChanges$: changes$,
    isPaused: () => true,
    engines: [],
    engineActivity: () => ({ failovers: {}, retries: 0, throttledWaits: { count: 0, totalMs: 0 }, pool: [] }),
    sources: () => [{ name: 'asr', connected: false, messagesPerMin: 0 }],
    obs: () => undefined,
    obsConfigured: false,
    limits: { maxTextChars: 500, dedupeWindowMs: 10_000 },
    settings: {
      moderation: store('moderation.json', ModerationSettings),
      queuePolicy: store('queue-policy.json', QueuePolicySettings),
      voice: store('voice.json', VoiceSettings),
      voices: store('voices.json', VoicesSettings),
      overlayStyle: store('overlay-style.json', OverlayStyleSettings),
      obs: store('obs.json', ObsSettings),
      asrVocabulary: store('asr-vocabulary.json', AsrVocabularySettings),
    },
    nowMs: () => NOW_MS,
    ...overrides,
  });
  return service;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosy-panel-'));
  calls.length = 0;
});
afterEach(() => {
  service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('panel service', () => {
  it('reports health: paused, a single engine as a chain of one with its spoken count, sources, no OBS', () => {
    expect(start().health()).toEqual({
      nowMs: NOW_MS,
      paused: true,
      engine: {
        name: 'embedded',
        healthy: true,
        chain: [{ name: 'embedded', healthy: true }],
        spokenBy: { embedded: 2 },
        instructIgnored: 0,
        failovers: {},
        retries: 0,
        throttledWaits: { count: 0, totalMs: 0 },
        pool: [],
      },
      sources: [{ name: 'asr', connected: false, messagesPerMin: 0 }],
      obs: null,
      scaleOut: null,
      recognition: { state: 'off', feeds: 0, audioSentMs: 0 },
    });
    service.close();
    const scaleOut = { ownerId: 'owner-1', fenced: true, takenOver: 3 };
    expect(start({ scaleOut: () => scaleOut }).health().scaleOut).toEqual(scaleOut);
    const recognition = { state: 'running' as const, engine: 'dashscope-asr', model: 'gummy-realtime-v1', translateTo: ['en'], feeds: 1, finalLatencyMs: 420, audioSentMs: 90_000 };
    expect(start({ recognition: () => recognition }).health().recognition).toEqual(recognition);
  });

  it('seeds the latency window from history and follows live changes', () => {
    const s = start();
    expect(s.stats()).toMatchObject({ p50Ms: 120, p95Ms: 180 });
    const fired: unknown[] = [];
    const sub = s.statsChanged$.subscribe((x) => fired.push(x));
    changes$.next({ ...played('c', 90), state: 'playing', updatedAtMs: NOW_MS });
    changes$.next({ ...played('d', 90), state: 'dropped', reason: 'expired', firstAudioMs: undefined, updatedAtMs: NOW_MS });
    changes$.next({ ...played('e', 90), state: 'queued' });
    sub.unsubscribe();
    expect(fired).toHaveLength(2);
    expect(s.stats()).toMatchObject({ firstAudio: [[NOW_MS - 1_000, 120], [NOW_MS - 1_000, 180], [NOW_MS, 90]], drops: { expired: 1 } });
  });

  it('bans: drops the readouts and persists the user in users.deny; unban removes them; both announce a settings change', () => {
    const s = start();
    let changed = 0;
    const sub = s.settingsChanged$.subscribe(() => changed++);
    expect(s.ban('Troll')).toEqual({ dropped: 2 });
    expect(calls).toEqual(['dropUser(Troll, banned)']);
    expect(s.settings().moderation).toMatchObject({ users: { deny: expect.arrayContaining(['Troll']) } });
    s.unban('troll');
    expect((s.settings().moderation as ModerationSettings).users.deny).not.toContain('Troll');
    sub.unsubscribe();
    expect(changed).toBe(2);
  });

  it('saves each section through its schema, with the failing field in the error', () => {
    const s = start();
    expect(s.saveSettings('voice', { rate: 1.5 })).toEqual({ rate: 1.5, pitch: 1, volumePercent: 100 });
    expect(() => s.saveSettings('voice', { rate: 9 })).toThrow(/rate/);
    expect(() => s.saveSettings('overlayStyle', { size: '9000' })).toThrow(/size: "9000" refused, expected a whole number from 8 to 300/);
    expect(() => s.saveSettings('queuePolicy', { classes: { paid: 300, moderator: 200, subscriber: 250, viewer: 0 } })).toThrow(
      /classes.subscriber \(250\) must be below classes.moderator/,
    );
    expect(() => s.saveSettings('nope' as 'voice', {})).toThrow(/unknown settings section/);
    expect(s.settings().voice).toEqual({ rate: 1.5, pitch: 1, volumePercent: 100 });
  });

  it('sets up the OBS overlay when OBS is configured, and says clearly when it is not', async () => {
    await expect(start().ensureObsOverlay()).rejects.toMatchObject({ code: 'obs_not_configured' });
    service.close();
    const obs: ObsPort = {
      status: () => ({ connected: true, streaming: false, browserSourceAvailable: true, paused: false }),
      ensureOverlay: async () => ({ outcome: 'created', sceneName: 'Main', inputName: 'cosy-relay overlay' }),
    };
    const s = start({ obs: () => obs, obsConfigured: true });
    await expect(s.ensureObsOverlay()).resolves.toEqual({ outcome: 'created', sceneName: 'Main', inputName: 'cosy-relay overlay' });
    expect(s.health().obs).toMatchObject({ connected: true });
    expect(s.info()).toEqual({ engines: [], obsConfigured: true, limits: { maxTextChars: 500, dedupeWindowMs: 10_000 } });
  });
});
