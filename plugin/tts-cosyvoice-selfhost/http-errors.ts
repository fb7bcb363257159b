/** Failures of the self-hosted server as typed EngineErrors. */
import { EngineError } from '../../server/src/core/errors.ts';
import { UpstreamRejectedError, UpstreamThrottledError } from '../../server/src/core/engine-kit/resilience-errors.ts';

/** A non-2xx answer. */
export function httpStatusError(status: number, body: string, url: string): EngineError {
  const detail = `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
  if (status === 404) {
    return new UpstreamRejectedError('endpoint_not_found', `${url} has no /inference_sft (${detail}); COSYVOICE_SELFHOST_URL must point at the CosyVoice FastAPI server`, true);
  }
  if (status === 429) return new UpstreamThrottledError(`the CosyVoice server is busy (${detail})`);
  if (status === 408 || status >= 500) return new EngineError('upstream_error', `the CosyVoice server failed (${detail})`, true);
  return new EngineError('invalid_parameter', `the CosyVoice server refused the request (${detail})`, false);
}

/** fetch or body-stream failures: refused connections, resets, cuts mid-body. */
export function networkError(error: unknown, url: string, audioStarted: boolean): EngineError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  const message = error instanceof Error ? error.message : String(error);
  const detail = [message, cause].filter(Boolean).join(': ');
  return audioStarted
    ? new EngineError('upstream_dropped', `the CosyVoice server cut the audio stream (${detail}) at ${url}`, true, { cause: error })
    : new EngineError('connect_failed', `cannot reach the CosyVoice server (${detail}) at ${url}`, true, { cause: error });
}
