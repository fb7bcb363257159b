export {
  createObsIntegration,
  DEFAULT_DUCK_DB,
  DEFAULT_OBS_SOURCE_NAME,
  type ObsIntegration,
  type ObsIntegrationOptions,
  type ObsStatus,
} from './obs-integration.ts';
export { ObsAuthError, ObsError, ObsRequestError } from './obs-errors.ts';
export type { EnsureOverlayOutcome, EnsureOverlayResult } from './overlay-input.ts';
