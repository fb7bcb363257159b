/**
 * Failures of the self-hosted server as typed EngineErrors, named for what they are. A server
 * that answered is never "cannot reach". What server.py does, from its source: the handler
 * decodes the prompt WAV (`load_wav`) before answering, so undecodable prompt audio or a route
 * the model class lacks is a 500 "Internal Server Error"; the model's generator runs after the
 * 200 headers are sent, so an unknown spk_id (CosyVoice2/3 models have no SFT speakers), v1
 * instruct on a v2/v3 model, or any model failure is a 200 whose stream is cut before any
 * audio. Errors caused by the request (voice, prompt, route) are not retryable and do not count
 * against the server's circuit breaker: other voices on the same server keep working.
 */
import { EngineError } from '../../server/src/core/errors.ts';
import { UpstreamRejectedError, UpstreamThrottledError } from '../../server/src/core/engine-kit/resilience-errors.ts';
import type { RouteCall } from './routes.ts';

/** The names of the missing or invalid fields in a FastAPI 422 body (`{detail: [{loc: ['body', field], msg}]}`). */
function validationSummary(body: string): string | undefined {
  try {
    const { detail } = JSON.parse(body) as { detail?: { loc?: unknown[]; msg?: string; type?: string }[] };
    if (!Array.isArray(detail)) return undefined;
    return detail.map((d) => `${d.type?.includes('missing') ? 'missing field' : 'field'} ${String(d.loc?.at(-1) ?? '?')} (${d.msg ?? 'invalid'})`).join(', ');
  } catch {
    return undefined;
  }
}

/** A non-2xx answer to `call`. */
export function httpStatusError(call: RouteCall, status: number, body: string, url: string): EngineError {
  const text = body.trim().slice(0, 200);
  const detail = `HTTP ${status} from ${call.route}${text ? `: ${text}` : ''}`;
  if (status === 404) {
    // Every server.py has /inference_sft; an older one lacks /inference_instruct2.
    const notCosyVoice = call.route === '/inference_sft';
    const hint = notCosyVoice
      ? 'COSYVOICE_SELFHOST_URL must point at the CosyVoice FastAPI server (runtime/python/fastapi/server.py)'
      : 'update the server to the current CosyVoice runtime/python/fastapi/server.py';
    return new UpstreamRejectedError('endpoint_not_found', `${url} has no ${call.route} (${detail}); ${hint}`, notCosyVoice);
  }
  if (status === 422) {
    const fields = validationSummary(body);
    return new EngineError('invalid_request', `the CosyVoice server refused ${call.route} for ${call.voice}: ${fields ?? detail}`, false);
  }
  if (status === 429) return new UpstreamThrottledError(`the CosyVoice server is busy (${detail})`);
  if (status === 500) {
    const hint =
      call.route === '/inference_instruct2'
        ? ': the prompt audio may not decode, or the model is v1 (instruct2 needs CosyVoice2/3; see the server log)'
        : call.body instanceof FormData
          ? ': the prompt audio may not decode (see the server log)'
          : ' (see the server log)';
    return new EngineError('server_error', `the CosyVoice server failed on ${call.route} for ${call.voice} (${detail})${hint}`, false);
  }
  if (status === 408 || status >= 500) return new EngineError('upstream_error', `the CosyVoice server failed (${detail})`, true);
  return new EngineError('invalid_request', `the CosyVoice server refused ${call.route} for ${call.voice} (${detail})`, false);
}

/** A 200 whose stream closed (cut or clean) before any audio of a sentence that has words. */
export function noAudioError(call: RouteCall, cut: boolean, url: string): EngineError {
  const how = cut ? 'answered 200 then closed the stream with no audio' : 'answered 200 with no audio';
  const base = `the CosyVoice server at ${url} ${how} on ${call.route} for ${call.voice}`;
  switch (call.route) {
    case '/inference_sft':
      return new EngineError(
        'unknown_speaker',
        `${base}: the model has no such SFT speaker (CosyVoice2/3 models have none: use a cloned voice, or a CosyVoice-300M-SFT model for presets)`,
        false,
      );
    case '/inference_instruct':
      return new EngineError('instruct_unsupported', `${base}: v1 instruct needs a CosyVoice-300M-Instruct model and one of its speakers`, false);
    default:
      return new EngineError('no_audio', `${base}: the model could not use the prompt audio or text (see the server log)`, false);
  }
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
