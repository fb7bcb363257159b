/**
 * Cloned voices for the cloud engine: DashScope's voice customization REST API
 * (`POST …/api/v1/services/audio/tts/customization`, body `{model: "voice-enrollment", input:
 * {action, …}}`, Bearer key). Enrolling creates the voice for the engine's model
 * (`target_model` = COSYVOICE_MODEL), then asks after it with a backoff until it is OK, is
 * refused (UNDEPLOYED) or the deadline passes; a voice that does not become ready is deleted.
 *
 * Facts used, and where they come from:
 * - actions create_voice {target_model, prefix, url, language_hints?}, query_voice {voice_id},
 *   list_voice {prefix?, page_index, page_size}, delete_voice {voice_id}; create answers
 *   `output.voice_id`: DashScope Python SDK `dashscope/audio/tts_v2/enrollment.py`.
 * - `prefix`: lowercase letters and digits only, under 10 characters: same file.
 * - `url` takes a public URL or a Base64 data URI for CosyVoice ("Qwen-Audio-TTS,
 *   Qwen-Audio-Realtime, and CosyVoice accept a public URL or a Base64 Data URI": Model Studio
 *   "Voice cloning", alibabacloud.com/help/doc-detail/2861519.html).
 * - query_voice answers `output.status` DEPLOYING (under review), OK (usable) or UNDEPLOYED
 *   (refused), and `output.target_model`: Model Studio "CosyVoice voice cloning API" and public
 *   clients of it.
 * - a cloned voice is bound to its target_model and cannot be used with another model: same
 *   "Voice cloning" page.
 * - the sample's transcript is not part of the API: DashScope transcribes nothing we send.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EnrollmentSample, VoiceCloning } from '../../server/src/core/engine.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { SynthesisCancelledError, UpstreamThrottledError } from '../../server/src/core/engine-kit/resilience-errors.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import { customizationError } from './dashscope-errors.ts';
import type { CosyVoiceEnrollmentTiming } from './options.ts';

export type EnrolledCloning = Extract<VoiceCloning, { kind: 'enrolled' }>;

export interface VoiceEnrollmentOptions {
  /** The customization endpoint. */
  url: string;
  apiKey: string;
  workspace: string | undefined;
  /** COSYVOICE_MODEL: every voice is enrolled for it. */
  targetModel: string;
  timing: CosyVoiceEnrollmentTiming;
  logger: Logger;
}

/** A JSON answer is a few hundred bytes (a list page a few KB): anything longer is cut off. */
const MAX_RESPONSE_BYTES = 256 * 1024;
const PREFIX_MAX_CHARS = 9;

/** The library's name as a DashScope prefix: lowercase letters and digits, at most 9 ("relay" when none are left). */
export function voicePrefix(name: string): string {
  const prefix = name.toLowerCase().replace(/[^a-z0-9]/gu, '').slice(0, PREFIX_MAX_CHARS);
  return prefix || 'relay';
}

export function wavDataUri(wav: Uint8Array): string {
  return `data:audio/wav;base64,${Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength).toString('base64')}`;
}

type Json = Record<string, unknown>;
const object = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createVoiceEnrollment(o: VoiceEnrollmentOptions): EnrolledCloning {
  const log = o.logger.child({ enrollment: o.targetModel });
  const headers: Record<string, string> = { Authorization: `Bearer ${o.apiKey}`, 'Content-Type': 'application/json' };
  if (o.workspace) headers['X-DashScope-WorkSpace'] = o.workspace;

  /** One call; resolves to `output`, or throws a typed EngineError. */
  const call = async (input: Json & { action: string }, signal?: AbortSignal): Promise<Json> => {
    if (signal?.aborted) throw new SynthesisCancelledError('voice enrollment cancelled');
    const timeout = AbortSignal.timeout(o.timing.requestMs);
    const what = { action: input.action, targetModel: o.targetModel };
    let response: Response;
    let body: Json;
    try {
      response = await fetch(o.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'voice-enrollment', input }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const raw = await readBounded(response);
      try {
        body = object(JSON.parse(raw));
      } catch {
        body = { message: raw.slice(0, 200) };
      }
    } catch (error) {
      if (signal?.aborted) throw new SynthesisCancelledError('voice enrollment cancelled');
      if (timeout.aborted) throw new EngineError('upstream_timeout', `DashScope did not answer ${input.action} within ${o.timing.requestMs} ms (${o.url})`, true);
      throw new EngineError('connect_failed', `cannot reach DashScope voice enrollment at ${o.url}: ${(error as Error).message}`, true, { cause: error });
    }
    if (!response.ok) throw customizationError(response.status, text(body.code) || 'unknown', text(body.message), what);
    return object(body.output);
  };

  const remove = async (voiceId: string): Promise<void> => {
    try {
      await call({ action: 'delete_voice', voice_id: voiceId });
    } catch (error) {
      if (error instanceof EngineError && error.code === 'voice_not_found') return; // already gone
      throw error;
    }
  };

  /** Poll query_voice with a backoff until OK; throws on UNDEPLOYED, a foreign target model, or the deadline. */
  const untilReady = async (voiceId: string, signal?: AbortSignal): Promise<void> => {
    const { pollFirstMs, pollMaxMs, deadlineMs } = o.timing;
    const deadlineAtMs = Date.now() + deadlineMs;
    let waitMs = pollFirstMs;
    let status = 'DEPLOYING';
    for (;;) {
      const leftMs = deadlineAtMs - Date.now();
      if (leftMs <= 0) {
        throw new EngineError('enrollment_timeout', `DashScope voice ${voiceId} was still ${status} after ${deadlineMs} ms; try again later`, true);
      }
      try {
        await sleep(Math.min(waitMs, leftMs), undefined, { signal });
      } catch {
        throw new SynthesisCancelledError('voice enrollment cancelled');
      }
      waitMs = Math.min(waitMs * 2, pollMaxMs);
      let output: Json;
      try {
        output = await call({ action: 'query_voice', voice_id: voiceId }, signal);
      } catch (error) {
        if (error instanceof UpstreamThrottledError) continue; // ask again after the next wait
        throw error;
      }
      status = text(output.status) || 'unknown';
      const boundTo = text(output.target_model);
      if (boundTo && boundTo !== o.targetModel) {
        throw new EngineError('clone_model_mismatch', `DashScope bound voice ${voiceId} to ${boundTo}, not COSYVOICE_MODEL ${o.targetModel}`, false);
      }
      if (status === 'OK') return;
      if (status === 'UNDEPLOYED') {
        throw new EngineError(
          'invalid_audio',
          `DashScope refused the voice sample after reviewing it (status UNDEPLOYED); record 10–20 s of one clear speaker without music or noise and try again`,
          false,
        );
      }
    }
  };

  return {
    kind: 'enrolled',
    targetModel: o.targetModel,
    async enroll(sample: EnrollmentSample, signal?: AbortSignal): Promise<string> {
      const input = { action: 'create_voice', target_model: o.targetModel, prefix: voicePrefix(sample.name), url: wavDataUri(sample.wav) };
      const output = await call(input, signal);
      const voiceId = text(output.voice_id);
      if (!voiceId) throw new EngineError('upstream_error', 'DashScope accepted create_voice but answered no output.voice_id', true);
      log.info({ voiceId, name: sample.name }, 'voice created; waiting until DashScope deploys it');
      try {
        await untilReady(voiceId, signal);
      } catch (error) {
        // A voice that is not usable would only count against the account's voices: delete it.
        void remove(voiceId).catch((cause: unknown) => log.warn({ voiceId, err: cause }, 'could not delete a voice that did not become ready'));
        throw error;
      }
      log.info({ voiceId }, 'voice ready');
      return voiceId;
    },
    remove,
  };
}
