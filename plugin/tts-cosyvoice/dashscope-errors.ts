/**
 * DashScope failures as typed EngineErrors: a rejected key or account, an unknown model or
 * voice (configuration: never retried, with a message naming the setting), throttling
 * (backed off), and server or network trouble (retried, failed over). The failures every
 * DashScope client shares (key, account, handshake, connect) live in core/dashscope.
 */
import { accountError, authError, isThrottling } from '../../server/src/core/dashscope/duplex-errors.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { UpstreamRejectedError, UpstreamThrottledError } from '../../server/src/core/engine-kit/resilience-errors.ts';

export interface FailureContext {
  model: string;
  voice: string;
  /** The voice the engine is configured with (a bad per-request voice does not disable it). */
  defaultVoice: string;
  /** The library id, when `voice` is a cloned voice. */
  cloneId?: string;
}

/** task-failed → EngineError. */
export function taskFailedError(code: string, message: string, context: FailureContext): EngineError {
  const detail = `${code}: ${message}`;
  const account = accountError(code, detail);
  if (account) return account;
  if (isThrottling(code, message)) return new UpstreamThrottledError(`DashScope throttled the task (${detail})`);
  if (code === 'ModelNotFound' || /model not (found|exist)/iu.test(message)) {
    return new UpstreamRejectedError('model_unsupported', `model "${context.model}" is not available (${detail}); set COSYVOICE_MODEL to cosyvoice-v1, cosyvoice-v2, cosyvoice-v3-flash or cosyvoice-v3-plus`, true);
  }
  if (code === 'InvalidParameter' && /\b418\b|voice/iu.test(message) && context.cloneId) {
    return new UpstreamRejectedError(
      'voice_unsupported',
      `cloned voice "${context.cloneId}" (DashScope voice ${context.voice}) is refused by model "${context.model}" (${detail}): DashScope binds a cloned voice to the model it was enrolled for, and a deleted voice is gone; create the voice again`,
      false,
    );
  }
  if (code === 'InvalidParameter' && /\b418\b|voice/iu.test(message)) {
    return new UpstreamRejectedError(
      'voice_unsupported',
      `voice "${context.voice}" does not exist for model "${context.model}" (${detail}); voices are per model version (e.g. longxiaochun for cosyvoice-v1, longxiaochun_v2 for cosyvoice-v2): set COSYVOICE_VOICE`,
      context.voice === context.defaultVoice,
    );
  }
  if (code === 'DataInspectionFailed') return new EngineError('content_rejected', `DashScope refused the text (${detail})`, false);
  if (code === 'InvalidParameter') return new EngineError('invalid_parameter', `DashScope refused the request (${detail})`, false);
  return new EngineError('upstream_error', `DashScope task failed (${detail})`, true);
}

/** What the customization API was asked to do (create_voice, query_voice, delete_voice, list_voice). */
export interface CustomizationCall {
  action: string;
  targetModel: string;
}

/**
 * An error answer of the voice customization REST API (`{request_id, code, message}` with an
 * HTTP status) → EngineError. The codes are DashScope's common ones (400 InvalidParameter,
 * 401 InvalidApiKey, 429 Throttling / Throttling.RateQuota / Throttling.AllocationQuota,
 * 500 InternalServerError); which message a refused sample or target model carries is not
 * documented, so those are told apart by the action and the message's words.
 */
export function customizationError(status: number, code: string, message: string, call: CustomizationCall): EngineError {
  const detail = `HTTP ${status} ${code}: ${message}`;
  const account = accountError(code, detail) ?? (status === 401 || status === 403 ? authError(detail) : undefined);
  if (account) return account;
  if (code === 'Throttling.AllocationQuota') {
    return new EngineError('enrollment_quota', `DashScope refused ${call.action}: the account's quota is used up (${detail}); delete cloned voices you no longer use, or raise the quota in the Model Studio console`, false);
  }
  if (status === 429 || isThrottling(code, '')) return new UpstreamThrottledError(`DashScope throttled ${call.action} (${detail}); try again in a moment`);
  if (/not (found|exist)/iu.test(message)) return new EngineError('voice_not_found', `DashScope has no such voice (${detail})`, false);
  if (status === 400 && /target.?model|model/iu.test(message)) {
    return new EngineError(
      'model_unsupported',
      `DashScope cannot clone voices for COSYVOICE_MODEL "${call.targetModel}" (${detail}); cloning targets cosyvoice-v2, cosyvoice-v3-flash and cosyvoice-v3-plus (v3 in the Beijing region only)`,
      false,
    );
  }
  if (status === 400 && call.action === 'create_voice' && /audio|url|duration|format|sample|silen|decode/iu.test(message)) {
    return new EngineError(
      'invalid_audio',
      `DashScope refused the voice sample (${detail}); it takes WAV (16-bit), MP3 or M4A, 10–20 s (at most 60 s) with at least 5 s of one clear speaker and no music, >= 16 kHz, <= 10 MB`,
      false,
    );
  }
  if (status >= 400 && status < 500) return new EngineError('invalid_parameter', `DashScope refused ${call.action} (${detail})`, false);
  return new EngineError('upstream_error', `DashScope failed ${call.action} (${detail})`, true);
}
