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
  /** The library id, when `voice` is a cloned voice. */
  cloneId?: string;
}

const THROTTLED = /^Throttling|rate limit|throttl/iu;

export function authError(detail: string): UpstreamRejectedError {
  return new UpstreamRejectedError(
    'auth_failed',
    `DashScope rejected COSYVOICE_API_KEY (${detail}); check the key, and that COSYVOICE_URL is the key's region (Beijing or Singapore)`,
    true,
  );
}

/** A refused key or a suspended account, from either API; undefined for any other code. */
function accountError(code: string, detail: string): UpstreamRejectedError | undefined {
  if (code === 'InvalidApiKey') return authError(detail);
  if (code === 'Arrearage') {
    return new UpstreamRejectedError('account_suspended', `DashScope refused the account (${detail}); settle the account's billing`, true);
  }
  return undefined;
}

/** task-failed → EngineError. */
export function taskFailedError(code: string, message: string, context: FailureContext): EngineError {
  const detail = `${code}: ${message}`;
  const account = accountError(code, detail);
  if (account) return account;
  if (THROTTLED.test(code) || THROTTLED.test(message)) return new UpstreamThrottledError(`DashScope throttled the task (${detail})`);
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

/** Node's socket, DNS and TLS errors carry their errno / OpenSSL code. */
type SystemError = Error & { code?: string };

/**
 * The WebSocket could not be opened (the `ws` client's 'error' before the upgrade answer) →
 * `connect_failed` with the cause in words: DNS, a refused or reset connection, an
 * unreachable network, TLS. An HTTP answer to the upgrade is `handshakeError` (a wrong key is
 * `auth_failed`, never this), the connect deadline a DeadlineExceededError: so a wrong key,
 * a blocked network and a wrong URL each read differently in the log and on /healthz.
 */
export function connectError(url: string, error: SystemError): EngineError {
  const code = error.code ?? '';
  const host = hostOf(url);
  const cause = connectCause(code, host, error.message);
  return new EngineError('connect_failed', `cannot connect to DashScope at ${url}: ${cause} [${code || error.message}]`, true, { cause: error });
}

function connectCause(code: string, host: string, message: string): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') {
    return `DNS cannot resolve ${host}: check the internet connection (a DNS filter?) and COSYVOICE_URL`;
  }
  if (code === 'ECONNREFUSED') return `${host} refused the connection: nothing listens there; check COSYVOICE_URL (and a proxy or firewall)`;
  if (code === 'ECONNRESET' || /socket hang up/iu.test(message)) {
    return `the connection to ${host} was cut before the upgrade: a firewall or proxy may block DashScope`;
  }
  if (code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ENETDOWN') {
    return `the network cannot reach ${host}: check the internet connection, a firewall or a VPN`;
  }
  if (/^(ERR_SSL|ERR_TLS|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/u.test(code)) {
    return `the TLS handshake with ${host} failed (${message}): a proxy that intercepts HTTPS, a wrong port in COSYVOICE_URL, or a wrong system clock`;
  }
  return message;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
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
  if (status === 429 || THROTTLED.test(code)) return new UpstreamThrottledError(`DashScope throttled ${call.action} (${detail}); try again in a moment`);
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
