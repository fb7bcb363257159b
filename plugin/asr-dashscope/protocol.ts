/**
 * DashScope real-time ASR over the duplex WebSocket: the run-task message for Paraformer,
 * Fun-ASR and Gummy, and the result-generated payloads parsed into one shape.
 *
 * PROTOCOLS (where each fact comes from):
 * - run-task `payload: { task_group: "audio", task: "asr", function: "recognition", model,
 *   parameters, input: {} }`, then binary audio frames after task-started, then finish-task:
 *   "Paraformer real-time speech recognition client events" (help.aliyun.com/zh/model-studio/
 *   paraformer-client-events; alibabacloud.com/help/en/model-studio/paraformer-client-events).
 * - parameters `format` ("pcm"), `sample_rate`, `vocabulary_id`, `language_hints` (array),
 *   `disfluency_removal_enabled`: same page. `heartbeat` (default false: "after 60 s of
 *   continuous silent audio the connection times out"; true keeps it while silence is sent):
 *   the Fun-ASR/Paraformer run-task parameter table (platform.qianwenai.com ASR API reference).
 * - result-generated `payload.output.sentence { begin_time, end_time (null until the sentence
 *   ends), text, heartbeat, sentence_end, words: [{ begin_time, end_time, text, punctuation }] }`
 *   and `payload.output.usage.duration` (billed seconds, only when sentence_end):
 *   "Server-sent events for real-time speech recognition (Paraformer)"
 *   (alibabacloud.com/help/en/model-studio/paraformer-server-events); Fun-ASR adds
 *   `sentence.sentence_id` ("fun-asr-server-events").
 * - Gummy: run-task parameters `transcription_enabled`, `translation_enabled`,
 *   `translation_target_languages`, `source_language`; results in `payload.output.transcription
 *   { sentence_id, begin_time, end_time | current_time, text, words: [{ text, begin_time,
 *   end_time, fixed }], sentence_end }` and `payload.output.translations: [{ sentence_id, lang,
 *   text, begin_time, end_time, words, sentence_end }]`: DashScope Python SDK
 *   `dashscope/audio/asr/translation_recognizer.py` (TranscriptionResult, Translation) and
 *   "Gummy实时语音识别、翻译WebSocket API" (help.aliyun.com/document_detail/2869339.html).
 */
import { duplexHeader, jsonObject, type Json, type ServerEventFrame } from '../../server/src/core/dashscope/duplex-header.ts';
import { RECOGNIZER_SAMPLE_RATE_HZ } from '../../server/src/core/recognizer.ts';

export const GUMMY_MODEL = 'gummy-realtime-v1';
export const ASR_MODELS = ['paraformer-realtime-v2', 'fun-asr-realtime', GUMMY_MODEL] as const;

export interface RecognitionParameters {
  model: string;
  languageHints: readonly string[];
  /** Gummy only: translation targets. */
  translateTo: readonly string[];
  vocabularyId?: string;
}

export const isGummy = (model: string): boolean => model.startsWith('gummy-');

export function runTaskMessage(taskId: string, p: RecognitionParameters): string {
  const common = {
    format: 'pcm',
    sample_rate: RECOGNIZER_SAMPLE_RATE_HZ,
    ...(p.vocabularyId ? { vocabulary_id: p.vocabularyId } : {}),
  };
  const parameters = isGummy(p.model)
    ? {
        ...common,
        transcription_enabled: true,
        translation_enabled: p.translateTo.length > 0,
        ...(p.translateTo.length > 0 ? { translation_target_languages: [...p.translateTo] } : {}),
        ...(p.languageHints[0] ? { source_language: p.languageHints[0] } : {}),
      }
    : {
        ...common,
        // The captioner streams silence while the streamer is quiet: keep the task alive through it.
        heartbeat: true,
        ...(p.languageHints.length > 0 ? { language_hints: [...p.languageHints] } : {}),
      };
  return JSON.stringify({
    header: duplexHeader('run-task', taskId),
    payload: { task_group: 'audio', task: 'asr', function: 'recognition', model: p.model, parameters, input: {} },
  });
}

export interface UpstreamWord {
  text: string;
  punctuation: string;
  /** ms on the task's clock. */
  beginMs: number;
  endMs: number;
}

export interface UpstreamSentence {
  /** `sentence_id` when the model sends one (Fun-ASR, Gummy); Paraformer has none (its partials' begin time may move). */
  key: string | undefined;
  text: string;
  beginMs: number;
  endMs: number;
  final: boolean;
  words: UpstreamWord[];
}

export interface UpstreamTranslation extends UpstreamSentence {
  lang: string;
}

export interface UpstreamResult {
  /** Undefined when the event carries translations only. */
  sentence: UpstreamSentence | undefined;
  translations: UpstreamTranslation[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function parseWords(value: unknown): UpstreamWord[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((w) => {
    const o = jsonObject(w);
    const beginMs = num(o.begin_time);
    const endMs = num(o.end_time);
    if (typeof o.text !== 'string' || beginMs === undefined || endMs === undefined) return [];
    return [{ text: o.text, punctuation: typeof o.punctuation === 'string' ? o.punctuation : '', beginMs, endMs }];
  });
}

function parseSentence(o: Json): UpstreamSentence | undefined {
  if (typeof o.text !== 'string') return undefined;
  const words = parseWords(o.words);
  const beginMs = num(o.begin_time) ?? words[0]?.beginMs ?? 0;
  // end_time is null until the sentence ends (Paraformer); Gummy sends current_time instead.
  const endMs = num(o.end_time) ?? num(o.current_time) ?? words.at(-1)?.endMs ?? beginMs;
  const id = num(o.sentence_id);
  return { key: id === undefined ? undefined : `i${id}`, text: o.text, beginMs, endMs, final: o.sentence_end === true, words };
}

/** A result-generated frame → the result, or undefined for a heartbeat or an empty event. */
export function parseResult(frame: ServerEventFrame): UpstreamResult | undefined {
  const output = jsonObject(frame.payload.output);
  const sentenceJson = jsonObject(output.sentence ?? output.transcription);
  if (sentenceJson.heartbeat === true) return undefined;
  const sentence = parseSentence(sentenceJson);
  const translations = Array.isArray(output.translations)
    ? output.translations.flatMap((t) => {
        const o = jsonObject(t);
        const parsed = parseSentence(o);
        return parsed && typeof o.lang === 'string' ? [{ ...parsed, lang: o.lang }] : [];
      })
    : [];
  if (!sentence && translations.length === 0) return undefined;
  return { sentence, translations };
}
