/**
 * DashScope failures every duplex client shares, as typed EngineErrors: a refused key or a
 * suspended account (never retried, the engine disabled), throttling (backed off), an HTTP
 * error answer to the WebSocket upgrade, and a socket that could not be opened (cause in
 * words). Messages name the settings to check: `settings` says which (TTS or ASR).
 */
import { EngineError } from '../errors.ts';
import { UpstreamRejectedError, UpstreamThrottledError } from '../engine-kit/resilience-errors.ts';

/** The settings a message tells the user to check. */
export interface DashScopeSettingNames {
  key: string;
  url: string;
}

export const COSYVOICE_SETTINGS: DashScopeSettingNames = { key: 'COSYVOICE_API_KEY', url: 'COSYVOICE_URL' };

const THROTTLED = /^Throttling|rate limit|throttl/iu;

/** DashScope's throttling codes (Throttling, Throttling.RateQuota, …) and messages. */
export function isThrottling(code: string, message: string): boolean {
  return THROTTLED.test(code) || THROTTLED.test(message);
}

export function authError(detail: string, settings: DashScopeSettingNames = COSYVOICE_SETTINGS): UpstreamRejectedError {
  return new UpstreamRejectedError(
    'auth_failed',
    `DashScope rejected ${settings.key} (${detail}); check the key, and that ${settings.url} is the key's region (Beijing or Singapore)`,
    true,
  );
}

/** A refused key or a suspended account, from any DashScope API; undefined for any other code. */
export function accountError(code: string, detail: string, settings: DashScopeSettingNames = COSYVOICE_SETTINGS): UpstreamRejectedError | undefined {
  if (code === 'InvalidApiKey') return authError(detail, settings);
  if (code === 'Arrearage') {
    return new UpstreamRejectedError('account_suspended', `DashScope refused the account (${detail}); settle the account's billing`, true);
  }
  return undefined;
}

/** A WebSocket upgrade answered with an HTTP error status. */
export function handshakeError(status: number, body: string, settings: DashScopeSettingNames = COSYVOICE_SETTINGS): EngineError {
  let detail = `HTTP ${status}`;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'string') detail += ` ${parsed.code}: ${String(parsed.message ?? '')}`;
  } catch {
    // not JSON: the status alone says enough
  }
  if (status === 401 || status === 403) return authError(detail, settings);
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
export function connectError(url: string, error: SystemError, settings: DashScopeSettingNames = COSYVOICE_SETTINGS): EngineError {
  const code = error.code ?? '';
  const cause = connectCause(code, hostOf(url), error.message, settings.url);
  return new EngineError('connect_failed', `cannot connect to DashScope at ${url}: ${cause} [${code || error.message}]`, true, { cause: error });
}

function connectCause(code: string, host: string, message: string, urlSetting: string): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') {
    return `DNS cannot resolve ${host}: check the internet connection (a DNS filter?) and ${urlSetting}`;
  }
  if (code === 'ECONNREFUSED') return `${host} refused the connection: nothing listens there; check ${urlSetting} (and a proxy or firewall)`;
  if (code === 'ECONNRESET' || /socket hang up/iu.test(message)) {
    return `the connection to ${host} was cut before the upgrade: a firewall or proxy may block DashScope`;
  }
  if (code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ENETDOWN') {
    return `the network cannot reach ${host}: check the internet connection, a firewall or a VPN`;
  }
  if (/^(ERR_SSL|ERR_TLS|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/u.test(code)) {
    return `the TLS handshake with ${host} failed (${message}): a proxy that intercepts HTTPS, a wrong port in ${urlSetting}, or a wrong system clock`;
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
