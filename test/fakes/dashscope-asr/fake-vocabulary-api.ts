/**
 * A fake of DashScope's hot-word vocabulary API (`POST /api/v1/services/audio/asr/customization`),
 * served by the fake ASR server on the same host as its WebSocket (as DashScope does), with the
 * request and answer shapes of the real one (cited in plugin/asr-dashscope/vocabulary-api.ts):
 * `{ model: "speech-biasing", input: { action, … } }` → `{ request_id, output, usage }`, errors
 * `{ request_id, code, message }` with their HTTP status. It checks what the docs state: the key,
 * the model, a known target model, the prefix (lower-case letters and digits, under 10), at most
 * 500 words, a word's text (with a non-ASCII character at most 15 characters, else at most 7
 * space-separated parts), its weight (integer 1–5), and the account's vocabulary quota.
 * The wording of the word and quota refusals is the fake's own (the docs give no example).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalid, Refusal } from '../dashscope/http-refusal.ts';

export const CUSTOMIZATION_PATH = '/api/v1/services/audio/asr/customization';

export interface FakeVocabularyWord {
  text: string;
  weight: number;
  lang?: string;
}

export interface FakeVocabulary {
  vocabularyId: string;
  targetModel: string;
  words: FakeVocabularyWord[];
  /** update_vocabulary calls it took. */
  updates: number;
}

export interface FakeVocabularyCall {
  action: string;
  status: number;
  code?: string;
}

export interface FakeVocabularyApi {
  /** The account's vocabularies by id. */
  readonly vocabularies: Map<string, FakeVocabulary>;
  /** Every call, in order. */
  readonly calls: FakeVocabularyCall[];
  /** Vocabularies the account may hold (default 10). */
  maxVocabularies: number;
  /** Answer the next `times` calls with this error. */
  injectError(status: number, code: string, message: string, times?: number): void;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

const MAX_WORDS = 500;
const NON_ASCII = /[^\x00-\x7f]/u;


function wordProblem(word: unknown, i: number): string | undefined {
  if (!word || typeof word !== 'object') return `vocabulary[${i}] must be an object`;
  const { text, weight, lang } = word as Record<string, unknown>;
  if (typeof text !== 'string' || text.trim() === '') return `vocabulary[${i}].text is required`;
  if (NON_ASCII.test(text) ? [...text].length > 15 : text.trim().split(/\s+/u).length > 7) {
    return `vocabulary[${i}].text "${text}" is too long (15 characters with non-ASCII text, else 7 words)`;
  }
  if (!Number.isInteger(weight) || (weight as number) < 1 || (weight as number) > 5) return `vocabulary[${i}].weight must be an integer in [1, 5]`;
  if (lang !== undefined && (typeof lang !== 'string' || !/^[a-z]{2,3}$/u.test(lang))) return `vocabulary[${i}].lang "${String(lang)}" is not a language code`;
  return undefined;
}

function checkWords(value: unknown): FakeVocabularyWord[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('input.vocabulary must be a non-empty array');
  if (value.length > MAX_WORDS) throw invalid(`input.vocabulary has ${value.length} words, at most ${MAX_WORDS} are allowed`);
  value.forEach((word, i) => {
    const problem = wordProblem(word, i);
    if (problem) throw invalid(problem);
  });
  return (value as FakeVocabularyWord[]).map(({ text, weight, lang }) => ({ text, weight, ...(lang !== undefined && { lang }) }));
}

export function createFakeVocabularyApi(apiKey: string, targetModels: readonly string[]): FakeVocabularyApi {
  const vocabularies = new Map<string, FakeVocabulary>();
  const calls: FakeVocabularyCall[] = [];
  const injected: { status: number; code: string; message: string; left: number }[] = [];

  function known(id: unknown): FakeVocabulary {
    const vocabulary = typeof id === 'string' ? vocabularies.get(id) : undefined;
    if (!vocabulary) throw invalid(`Vocabulary ${String(id)} does not exist.`);
    return vocabulary;
  }

  function act(input: Record<string, unknown>, api: FakeVocabularyApi): Record<string, unknown> {
    switch (input.action) {
      case 'create_vocabulary': {
        if (typeof input.target_model !== 'string' || !targetModels.includes(input.target_model)) {
          throw invalid(`input.target_model ${String(input.target_model)} does not support vocabularies`);
        }
        if (typeof input.prefix !== 'string' || !/^[a-z0-9]{1,9}$/u.test(input.prefix)) throw invalid('input.prefix must be lower-case letters and digits, under 10 characters');
        const words = checkWords(input.vocabulary);
        if (vocabularies.size >= api.maxVocabularies) throw invalid(`The number of vocabularies exceeds the limit (${api.maxVocabularies}).`);
        const vocabularyId = `vocab-${input.prefix}-${crypto.randomUUID().replaceAll('-', '')}`;
        vocabularies.set(vocabularyId, { vocabularyId, targetModel: input.target_model, words, updates: 0 });
        return { vocabulary_id: vocabularyId };
      }
      case 'update_vocabulary': {
        const vocabulary = known(input.vocabulary_id);
        vocabulary.words = checkWords(input.vocabulary);
        vocabulary.updates += 1;
        return {};
      }
      case 'query_vocabulary': {
        const v = known(input.vocabulary_id);
        return { target_model: v.targetModel, vocabulary: v.words, status: 'OK' };
      }
      case 'delete_vocabulary':
        vocabularies.delete(known(input.vocabulary_id).vocabularyId);
        return {};
      default:
        throw invalid(`input.action ${String(input.action)} is not supported`);
    }
  }

  function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
    const text = JSON.stringify({ request_id: crypto.randomUUID(), ...body });
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
  }

  const api: FakeVocabularyApi = {
    vocabularies,
    calls,
    maxVocabularies: 10,
    injectError(status, code, message, times = 1) {
      injected.push({ status, code, message, left: times });
    },
    handle(req, res) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let action = 'unknown';
        try {
          if (req.method !== 'POST') throw new Refusal(405, 'MethodNotAllowed', 'only POST is allowed');
          if (req.headers.authorization !== `Bearer ${apiKey}`) throw new Refusal(401, 'InvalidApiKey', 'Invalid API-key provided.');
          if (!String(req.headers['content-type']).startsWith('application/json')) throw invalid('Content-Type must be application/json');
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            throw invalid('the request body is not valid JSON');
          }
          const { model, input } = (body ?? {}) as Record<string, unknown>;
          if (!input || typeof input !== 'object') throw invalid('input is required');
          action = String((input as Record<string, unknown>).action);
          if (model !== 'speech-biasing') throw new Refusal(400, 'ModelNotFound', `Model not found (${String(model)})!`);
          const fault = injected[0];
          if (fault) {
            if (--fault.left <= 0) injected.shift();
            throw new Refusal(fault.status, fault.code, fault.message);
          }
          const output = act(input as Record<string, unknown>, api);
          calls.push({ action, status: 200 });
          answer(res, 200, { output, usage: { count: 1 } });
        } catch (error) {
          if (!(error instanceof Refusal)) throw error;
          calls.push({ action, status: error.status, code: error.code });
          answer(res, error.status, { code: error.code, message: error.message });
        }
      });
    },
  };
  return api;
}
