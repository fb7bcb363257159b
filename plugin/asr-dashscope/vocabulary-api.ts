/**
 * DashScope's hot-word vocabulary API (customization), the calls the recognizer needs:
 * create a vocabulary for a target model, replace its words, delete it.
 *
 * PROTOCOLS (where each fact comes from):
 * - `POST {base}/api/v1/services/audio/asr/customization`, `Authorization: Bearer <key>`,
 *   JSON body `{ model: "speech-biasing", input: { action, … } }`; the same host as the
 *   WebSocket API (`wss://dashscope.aliyuncs.com/api-ws/v1/inference` ↔
 *   `https://dashscope.aliyuncs.com/api/v1/…`, `dashscope-intl` for Singapore): "Custom
 *   vocabulary HTTP API reference" (alibabacloud.com/help/en/model-studio/vocabulary-http-api;
 *   docs.qwencloud.com/api-reference/speech-recognition/custom-hotwords/http-api).
 * - actions and fields: `create_vocabulary { target_model, prefix, vocabulary: [{ text,
 *   weight, lang? }] }` → `{ request_id, output: { vocabulary_id }, usage: { count: 1 } }`;
 *   `update_vocabulary { vocabulary_id, vocabulary }` (replaces every word) → `{ request_id,
 *   output: {} }`; `delete_vocabulary { vocabulary_id }`: same pages, and the DashScope Python
 *   SDK `dashscope/audio/asr/vocabulary.py` (VocabularyService: model "speech-biasing",
 *   task_group audio, task asr, function customization; `prefix` "only digits and lower-case
 *   letters, under ten characters").
 * - errors: DashScope's common HTTP error body `{ request_id, code, message }` with a 4xx/5xx
 *   status (InvalidApiKey → 401, InvalidParameter → 400, Throttling → 429); the exact code for
 *   a full vocabulary quota is not documented, so it is recognized by its wording.
 */
import { accountError, isThrottling } from '../../server/src/core/dashscope/duplex-errors.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { isRecord } from '../../server/src/core/is-record.ts';
import type { HotWord } from '../../server/src/core/recognizer.ts';
import { ASR_SETTINGS } from './asr-errors.ts';

export const CUSTOMIZATION_PATH = '/api/v1/services/audio/asr/customization';
export const VOCABULARY_MODEL = 'speech-biasing';
/** Vocabularies this relay creates start with it (the API's `prefix`: lower-case letters and digits, under 10). */
export const VOCABULARY_PREFIX = 'cosyrelay';

/** A vocabulary call that failed; `code` says why (auth_failed, vocabulary_quota, vocabulary_refused, vocabulary_not_found, …). */
export class VocabularyError extends EngineError {}

export interface VocabularyApiOptions {
  /** The customization endpoint (see `customizationUrl`). */
  url: string;
  /** Authorization (and X-DashScope-WorkSpace) headers, as the recognizer sends them. */
  headers: Record<string, string>;
  timeoutMs: number;
}

/** The HTTP customization endpoint on the host of an ASR WebSocket URL (wss → https, ws → http). */
export function customizationUrl(asrUrl: string): string {
  const url = new URL(asrUrl);
  const protocol = url.protocol === 'ws:' ? 'http:' : 'https:';
  return `${protocol}//${url.host}${CUSTOMIZATION_PATH}`;
}

type Json = Record<string, unknown>;

export class VocabularyApi {
  constructor(private readonly options: VocabularyApiOptions) {}

  /** Creates a vocabulary of `words` for `targetModel`; resolves to its id. */
  async create(targetModel: string, words: readonly HotWord[]): Promise<string> {
    const output = await this.call('create_vocabulary', { target_model: targetModel, prefix: VOCABULARY_PREFIX, vocabulary: words });
    if (typeof output.vocabulary_id !== 'string' || !output.vocabulary_id) {
      throw new VocabularyError('upstream_error', 'DashScope created a vocabulary but sent no vocabulary_id', true);
    }
    return output.vocabulary_id;
  }

  /** Replaces every word of the vocabulary. */
  async update(vocabularyId: string, words: readonly HotWord[]): Promise<void> {
    await this.call('update_vocabulary', { vocabulary_id: vocabularyId, vocabulary: words });
  }

  async delete(vocabularyId: string): Promise<void> {
    await this.call('delete_vocabulary', { vocabulary_id: vocabularyId });
  }

  private async call(action: string, input: Json): Promise<Json> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { ...this.options.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: VOCABULARY_MODEL, input: { action, ...input } }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const cause = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
      throw new VocabularyError('connect_failed', `cannot reach DashScope's vocabulary API at ${this.options.url} (${cause})`, true, { cause: error });
    }
    const text = await response.text();
    let body: Json = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) body = parsed;
    } catch {
      // not JSON: the status says enough
    }
    if (response.ok) return isRecord(body.output) ? body.output : {};
    throw vocabularyCallError(response.status, String(body.code ?? ''), String(body.message ?? text.slice(0, 200)), action);
  }
}

/** A refused vocabulary call as a VocabularyError naming what to fix. */
export function vocabularyCallError(status: number, code: string, message: string, action: string): VocabularyError {
  const detail = `HTTP ${status}${code ? ` ${code}` : ''}: ${message}`;
  const account = accountError(code, detail, ASR_SETTINGS);
  if (account || status === 401 || status === 403) {
    return new VocabularyError(account?.code ?? 'auth_failed', `${account?.message ?? `DashScope refused the key (${detail})`}; custom vocabularies also need the account's main workspace`, false);
  }
  if (/quota|limit|exceed/iu.test(`${code} ${message}`) && !isThrottling(code, message)) {
    return new VocabularyError('vocabulary_quota', `the account's vocabulary quota is used up (${detail}); delete unused vocabularies in the DashScope console`, false);
  }
  if (isThrottling(code, message) || status === 429) return new VocabularyError('throttled', `DashScope throttled the vocabulary call (${detail})`, true);
  if (/not.?(found|exist)/iu.test(`${code} ${message}`) && action !== 'create_vocabulary') {
    return new VocabularyError('vocabulary_not_found', `the vocabulary is gone upstream (${detail})`, false);
  }
  if (status >= 400 && status < 500) {
    return new VocabularyError('vocabulary_refused', `DashScope refused the hot words (${detail}); fix them in the panel's Settings (asr-vocabulary.json)`, false);
  }
  return new VocabularyError('upstream_error', `DashScope's vocabulary API failed (${detail})`, true);
}
