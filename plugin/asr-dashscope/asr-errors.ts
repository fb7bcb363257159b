/**
 * DashScope ASR task failures as typed EngineErrors. Account and throttling codes are the
 * ones every DashScope API shares (core/dashscope); an unknown model or a refused parameter
 * (a vocabulary id of another model or account) is configuration: never retried, the engine
 * disabled with the setting to fix. The idle timeout (no audio for 23 s: the Python SDK's
 * `Recognition.SILENCE_TIMEOUT_S`) is its own code, so the session can pause instead of retrying.
 */
import { accountError, type DashScopeSettingNames, isThrottling } from '../../server/src/core/dashscope/duplex-errors.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { UpstreamRejectedError, UpstreamThrottledError } from '../../server/src/core/engine-kit/resilience-errors.ts';

export const ASR_SETTINGS: DashScopeSettingNames = { key: 'COSYVOICE_API_KEY (or DASHSCOPE_API_KEY)', url: 'ASR_URL' };

/** The task ended because no audio came for the server's idle time. */
export const IDLE_TIMEOUT_CODE = 'upstream_idle_timeout';

export function asrTaskFailedError(code: string, message: string, model: string): EngineError {
  const detail = `${code}: ${message}`;
  const account = accountError(code, detail, ASR_SETTINGS);
  if (account) return account;
  if (isThrottling(code, message)) return new UpstreamThrottledError(`DashScope throttled the recognition task (${detail})`);
  if (code === 'ModelNotFound' || /model not (found|exist)/iu.test(message)) {
    return new UpstreamRejectedError('model_unsupported', `ASR model "${model}" is not available (${detail}); set ASR_MODEL to paraformer-realtime-v2, fun-asr-realtime or gummy-realtime-v1`, true);
  }
  if (/vocabulary/iu.test(message)) {
    return new UpstreamRejectedError('vocabulary_refused', `DashScope refused the hot-word vocabulary (${detail}); check ASR_VOCABULARY_ID (a vocabulary belongs to one account and target model)`, true);
  }
  if (code === 'InvalidParameter') return new UpstreamRejectedError('invalid_parameter', `DashScope refused the recognition settings (${detail})`, true);
  if (code === 'RequestTimeOut' || /timeout|timed out/iu.test(message)) return new EngineError(IDLE_TIMEOUT_CODE, `DashScope ended the task: no audio (${detail})`, true);
  return new EngineError('upstream_error', `DashScope recognition task failed (${detail})`, true);
}
