export { moderate, type ModerationDeps } from './moderate.ts';
export type { DropReason, ModerationInput, OnDrop } from './rule-context.ts';
export {
  DEFAULT_MODERATION_SETTINGS,
  ModerationSettings,
  type ModerationSettingsInput,
} from './settings.ts';
export { estimateSpokenSeconds } from './speech-duration.ts';
