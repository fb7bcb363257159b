/**
 * The panel's backend (implements the gateway's PanelPort): health of overlays' surroundings
 * (engines, sources, OBS), the last hour's latency and drops, persisted settings, bans,
 * history search, the voice test and OBS overlay setup. Composition only: each piece is
 * built and tested in its own module.
 */
import { filter, interval, merge, skip, Subscription, type Observable } from 'rxjs';
import type { RecognitionStatus } from '../core/audio-ingest.ts';
import type { TtsEngine } from '../core/engine.ts';
import { ValidationError } from '../core/errors.ts';
import type { CaptionLimits, PanelObsStatus, PanelScaleOutStatus, PanelSettings, PanelSettingsSection, PanelSourceStatus } from '../core/protocol.ts';
import type { Utterance } from '../core/types.ts';
import type { VoiceResolver } from '../core/voices.ts';
import type { PanelPort } from '../gateway/panel-port.ts';
import type { ModerationSettings } from '../moderation/settings.ts';
import type { Relay } from '../relay/relay.ts';
import { withoutUserDenied, withUserDenied } from './deny-list.ts';
import type { EngineActivity } from './engine-activity.ts';
import { searchHistory } from './history-search.ts';
import { HOUR_MS, LatencyWindow } from './latency-window.ts';
import { testVoice } from './voice-test.ts';

/** A persisted settings document (a SettingsStore). */
export interface SettingsSection<T extends Record<string, unknown> = Record<string, unknown>> {
  readonly value: T;
  readonly value$: Observable<T>;
  replace(input: unknown): T;
}

/** What the panel uses of the OBS integration. */
export interface ObsPort {
  status(): PanelObsStatus;
  ensureOverlay(): Promise<{ outcome: string; sceneName: string; inputName: string }>;
}

export interface PanelServiceDeps {
  relay: Pick<Relay, 'health' | 'dropUser' | 'history' | 'spokenCounts'>;
  /** Every queue change: the latency window follows them. */
  queueChanges$: Observable<Pick<Utterance, 'state' | 'reason' | 'firstAudioMs' | 'waitMs' | 'updatedAtMs'>>;
  isPaused(): boolean;
  /** Each engine the voice test can speak with (a chain's members, or the one engine). */
  engines: readonly TtsEngine[];
  /** The voice library: the voice test speaks its voices by id or name. */
  voices?: VoiceResolver;
  engineActivity(): EngineActivity;
  sources(): PanelSourceStatus[];
  /** The OBS integration once it runs; undefined when OBS is not configured. */
  obs(): ObsPort | undefined;
  obsConfigured: boolean;
  limits: CaptionLimits;
  /** The queue handoff with RELAY_REDIS_URL; undefined without. */
  scaleOut?(): PanelScaleOutStatus | undefined;
  /** Recognition of the streamer's voice; 'off' when not given. */
  recognition?(): RecognitionStatus;
  settings: { moderation: SettingsSection<ModerationSettings> } & Record<Exclude<PanelSettingsSection, 'moderation'>, SettingsSection>;
  nowMs?: () => number;
  /** Stats are re-sent this often even when nothing changes (the window slides). Default 30 s. */
  statsTickMs?: number;
}

export interface PanelService extends PanelPort {
  close(): void;
}

/** Most history entries a search looks through, and most results it returns. */
const SEARCH_SCAN_LIMIT = 2_000;
const SEARCH_RESULT_LIMIT = 100;

export function createPanelService(deps: PanelServiceDeps): PanelService {
  const { relay, settings } = deps;
  const now = deps.nowMs ?? Date.now;
  const sections: Record<PanelSettingsSection, SettingsSection> = settings;
  const window = new LatencyWindow(HOUR_MS, 10_000, now);
  window.seed(relay.history({ limit: 10_000, sinceMs: now() - HOUR_MS }));
  const subscription = new Subscription();
  subscription.add(deps.queueChanges$.subscribe((change) => window.record(change)));

  return {
    info: () => ({
      engines: deps.engines.map((e) => ({
        name: e.name,
        speechParams: [...(e.speechParams ?? [])],
        voices: [...(e.voices?.() ?? [])],
        cloning: e.cloning?.kind ?? 'none',
      })),
      obsConfigured: deps.obsConfigured,
      limits: deps.limits,
    }),
    health() {
      const { engine } = relay.health();
      return {
        nowMs: now(),
        paused: deps.isPaused(),
        engine: {
          name: engine.name,
          healthy: engine.healthy,
          ...(engine.detail ? { detail: engine.detail } : {}),
          chain: engine.chain ?? [
            {
              name: engine.name,
              healthy: engine.healthy,
              ...(engine.detail ? { reason: engine.detail } : {}),
              ...(engine.endpoints ? { endpoints: engine.endpoints } : {}),
            },
          ],
          spokenBy: relay.spokenCounts(),
          instructIgnored: engine.instructIgnored,
          ...deps.engineActivity(),
        },
        sources: deps.sources(),
        obs: deps.obs()?.status() ?? null,
        scaleOut: deps.scaleOut?.() ?? null,
        recognition: deps.recognition?.() ?? { state: 'off', feeds: 0, audioSentMs: 0 },
      };
    },
    stats: () => window.snapshot(),
    statsChanged$: merge(
      deps.queueChanges$.pipe(filter((c) => c.state === 'playing' || c.state === 'dropped')),
      interval(deps.statsTickMs ?? 30_000),
    ),
    settings: (): PanelSettings => ({
      moderation: sections.moderation.value,
      queuePolicy: sections.queuePolicy.value,
      voice: sections.voice.value,
      voices: sections.voices.value,
      overlayStyle: sections.overlayStyle.value,
      obs: sections.obs.value,
      asrVocabulary: sections.asrVocabulary.value,
    }),
    settingsChanged$: merge(...Object.values(sections).map((s) => s.value$.pipe(skip(1)))),
    saveSettings(section, value) {
      if (!Object.hasOwn(sections, section)) throw new ValidationError('invalid_body', `unknown settings section ${String(section)}`);
      return sections[section].replace(value);
    },
    ban(user) {
      const dropped = relay.dropUser(user, 'banned');
      settings.moderation.replace(withUserDenied(settings.moderation.value, user));
      return { dropped };
    },
    unban(user) {
      settings.moderation.replace(withoutUserDenied(settings.moderation.value, user));
    },
    searchHistory: (query) => searchHistory(relay.history({ limit: SEARCH_SCAN_LIMIT }), query, SEARCH_RESULT_LIMIT),
    testVoice: (request, signal) => testVoice(deps, request, signal),
    async ensureObsOverlay() {
      const obs = deps.obs();
      if (!obs) throw new ValidationError('obs_not_configured', 'OBS is not configured: set OBS_WEBSOCKET_URL and restart the relay', 409);
      const { outcome, sceneName, inputName } = await obs.ensureOverlay();
      return { outcome, sceneName, inputName };
    },
    close: () => subscription.unsubscribe(),
  };
}
