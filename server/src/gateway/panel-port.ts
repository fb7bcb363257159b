/** What the /panel namespace needs beyond the RelayPort: health, stats, settings, bans, voice test, OBS. Handed in by start-relay. */
import type { Observable } from 'rxjs';
import type {
  PanelHealth,
  PanelHistoryItem,
  PanelInit,
  PanelSettings,
  PanelSettingsSection,
  PanelStats,
  VoiceTestResult,
} from '../core/protocol.ts';

export interface PanelPort {
  /** The engines (for the voice picker) and whether OBS is configured. */
  info(): Omit<PanelInit, 'overlayPath'>;
  /** Everything but the overlays, which the gateway itself knows. */
  health(): Omit<PanelHealth, 'overlays'>;
  stats(): PanelStats;
  /** Fires when stats() may have changed. */
  readonly statsChanged$: Observable<unknown>;
  settings(): PanelSettings;
  /** Fires when a setting changed (from any panel). */
  readonly settingsChanged$: Observable<unknown>;
  /** Validates, persists and applies a section; returns the stored value. Throws ValidationError ('invalid_settings'), StorageError. */
  saveSettings(section: PanelSettingsSection, value: unknown): Record<string, unknown>;
  /** Drops the user's queued and playing readouts and keeps them out (moderation users.deny). */
  ban(user: string): { dropped: number };
  unban(user: string): void;
  searchHistory(query: string): PanelHistoryItem[];
  /** Speaks `request` with one engine and returns the PCM (never queued). Throws typed errors. */
  testVoice(request: unknown, signal: AbortSignal): Promise<VoiceTestResult>;
  /** Creates or updates the overlay source in OBS. Throws when OBS is not configured or fails. */
  ensureObsOverlay(): Promise<{ outcome: string; sceneName: string; inputName: string }>;
}
