import { describe, expect, it } from 'vitest';
import { parseServerFrame } from '../../server/src/core/dashscope/duplex-header.ts';
import { parseResult, runTaskMessage } from './protocol.ts';

const frame = (payload: object) => parseServerFrame(JSON.stringify({ header: { task_id: 't', event: 'result-generated', attributes: {} }, payload }))!;

describe('DashScope ASR protocol', () => {
  it('builds the documented Paraformer run-task', () => {
    expect(JSON.parse(runTaskMessage('t', { model: 'paraformer-realtime-v2', languageHints: ['zh'], translateTo: [], vocabularyId: 'vocab-1' }))).toEqual({
      header: { action: 'run-task', task_id: 't', streaming: 'duplex' },
      payload: {
        task_group: 'audio',
        task: 'asr',
        function: 'recognition',
        model: 'paraformer-realtime-v2',
        parameters: { format: 'pcm', sample_rate: 16000, vocabulary_id: 'vocab-1', heartbeat: true, language_hints: ['zh'] },
        input: {},
      },
    });
  });

  it('builds a Gummy run-task with translation targets', () => {
    const { payload } = JSON.parse(runTaskMessage('t', { model: 'gummy-realtime-v1', languageHints: ['zh'], translateTo: ['en', 'ja'] }));
    expect(payload.parameters).toEqual({
      format: 'pcm',
      sample_rate: 16000,
      transcription_enabled: true,
      translation_enabled: true,
      translation_target_languages: ['en', 'ja'],
      source_language: 'zh',
    });
  });

  it('parses the Paraformer result-generated example of the server-events page', () => {
    // help.aliyun.com/zh/model-studio/paraformer-server-events (the example's end_time is null on a final).
    const result = parseResult(
      frame({
        output: {
          sentence: {
            begin_time: 170,
            end_time: null,
            text: '好,我知道了',
            heartbeat: false,
            sentence_end: true,
            words: [
              { begin_time: 170, end_time: 295, text: '好', punctuation: ',' },
              { begin_time: 295, end_time: 503, text: '我', punctuation: '' },
              { begin_time: 503, end_time: 711, text: '知道', punctuation: '' },
              { begin_time: 711, end_time: 920, text: '了', punctuation: '' },
            ],
          },
          usage: { duration: 1 },
        },
      }),
    );
    expect(result).toMatchObject({ sentence: { key: undefined, text: '好,我知道了', beginMs: 170, endMs: 920, final: true } });
    expect(result?.sentence?.words[0]).toEqual({ text: '好', punctuation: ',', beginMs: 170, endMs: 295 });
  });

  it('skips heartbeat results', () => {
    expect(parseResult(frame({ output: { sentence: { begin_time: 0, end_time: null, text: '', heartbeat: true, sentence_end: false, words: [] } } }))).toBeUndefined();
  });

  it('parses Gummy transcription and translations (current_time until the sentence ends)', () => {
    // Field names as read by the DashScope Python SDK (translation_recognizer.py).
    const result = parseResult(
      frame({
        output: {
          transcription: { sentence_id: 2, begin_time: 100, end_time: null, current_time: 800, text: '你好', words: [{ text: '你好', begin_time: 100, end_time: 800, fixed: false }], sentence_end: false },
          translations: [{ sentence_id: 2, lang: 'en', begin_time: 100, end_time: null, current_time: 800, text: 'Hello', words: [], sentence_end: false }],
        },
      }),
    );
    expect(result).toMatchObject({
      sentence: { key: 'i2', text: '你好', endMs: 800, final: false },
      translations: [{ key: 'i2', lang: 'en', text: 'Hello', final: false }],
    });
  });
});
