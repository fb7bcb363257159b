/**
 * DashScope failures as typed EngineErrors: a rejected key or account, an unknown model or
 * voice (configuration: never retried, with a message naming the setting), throttling
 * (backed off), and server or network trouble (retried, failed over).
 */
import { EngineError } from '../../server/src/core/errors.ts';
import { UpstreamRejectedError, UpstreamThrottledError } from '../../server/src/core/engine-kit/resilience-errors.ts';

export interface FailureContext {
  model: string;
  voice: string;
  /** The voice the engine is configured with (a bad per-request voice does not disable it). */
  defaultVoice: string;
}

const THROTTLED = /^Throttling|rate limit|throttl/iu;

export function authError(detail: string): UpstreamRejectedError {
  return new UpstreamRejectedError(
    'auth_failed',
    `DashScope rejected COSYVOICE_API_KEY (${detail}); check the key, and that COSYVOICE_URL is the key's region (Beijing or Singapore)`,
    true,
  );
}

/** task-failed → EngineError. */
export function taskFailedError(code: string, message: string, context: FailureContext): EngineError {
  const detail = `${code}: ${message}`;
  if (code === 'InvalidApiKey') return authError(detail);
  if (code === 'Arrearage') {
    return new UpstreamRejectedError('account_suspended', `DashScope refused the account (${detail}); settle the account's billing`, true);
  }
  if (THROTTLED.test(code) || THROTTLED.test(message)) return new UpstreamThrottledError(`DashScope throttled the task (${detail})`);
  if (code === 'ModelNotFound' || /model not (found|exist)/iu.test(message)) {
    return new UpstreamRejectedError('model_unsupported', `model "${context.model}" is not available (${detail}); set COSYVOICE_MODEL to cosyvoice-v1, cosyvoice-v2, cosyvoice-v3-flash or cosyvoice-v3-plus`, true);
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

/** A WebSocket upgrade answered with an HTTP error status. */
export function handshakeError(status: number, body: string): EngineError {
  let detail = `HTTP ${status}`;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'string') detail += ` ${parsed.code}: ${String(parsed.message ?? '')}`;
  } catch {
    // not JSON: the status alone says enough
  }
  if (status === 401 || status === 403) return authError(detail);
  if (status === 429) return new UpstreamThrottledError(`DashScope throttled the connection (${detail})`);
  return new EngineError('connect_failed', `DashScope refused the connection (${detail})`, true);
}
