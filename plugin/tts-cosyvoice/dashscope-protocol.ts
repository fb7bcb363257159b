/**
 * DashScope duplex WebSocket messages for CosyVoice: the client's run-task / continue-task /
 * finish-task, and the server's events (binary frames are audio, handled by the connection).
 */
import { duplexHeader, jsonObject, parseServerFrame } from '../../server/src/core/dashscope/duplex-header.ts';

/** Task ids and finish-task are the same for every DashScope duplex task (core/dashscope). */
export { finishTaskMessage, newTaskId } from '../../server/src/core/dashscope/duplex-header.ts';

export interface SynthesisParameters {
  model: string;
  voice: string;
  sampleRateHz: number;
  volume: number;
  rate: number;
  pitch: number;
  /**
   * A spoken instruction ("你说话的情感是happy。", "用四川话说"): run-task `parameters.instruction`,
   * at most 128 characters (DashScope Python SDK, `tts_v2.SpeechSynthesizer` docstring). Only
   * some models take it (see `modelTakesInstruction`); omitted when undefined.
   */
  instruction?: string;
}

export interface DashScopeWord {
  text: string;
  begin_index: number;
  end_index: number;
  /** ms */
  begin_time: number;
  /** ms */
  end_time: number;
}

export type ServerEvent =
  | { event: 'task-started'; taskId: string }
  | {
      event: 'result-generated';
      taskId: string;
      type: string;
      sentenceIndex: number | undefined;
      words: DashScopeWord[];
      originalText: string | undefined;
    }
  | { event: 'task-finished'; taskId: string }
  | { event: 'task-failed'; taskId: string; errorCode: string; errorMessage: string };

/** Whether two tasks would be run with the same parameters (a pre-started task fits a request). */
export function sameSynthesisParameters(a: SynthesisParameters, b: SynthesisParameters): boolean {
  return (
    a.model === b.model &&
    a.voice === b.voice &&
    a.sampleRateHz === b.sampleRateHz &&
    a.volume === b.volume &&
    a.rate === b.rate &&
    a.pitch === b.pitch &&
    a.instruction === b.instruction
  );
}

export function runTaskMessage(taskId: string, p: SynthesisParameters): string {
  return JSON.stringify({
    header: duplexHeader('run-task', taskId),
    payload: {
      task_group: 'audio',
      task: 'tts',
      function: 'SpeechSynthesizer',
      model: p.model,
      parameters: {
        text_type: 'PlainText',
        voice: p.voice,
        format: 'pcm',
        sample_rate: p.sampleRateHz,
        volume: p.volume,
        rate: p.rate,
        pitch: p.pitch,
        word_timestamp_enabled: true,
        ...(p.instruction === undefined ? {} : { instruction: p.instruction }),
      },
      input: {},
    },
  });
}

export function continueTaskMessage(taskId: string, text: string): string {
  return JSON.stringify({ header: duplexHeader('continue-task', taskId), payload: { input: { text } } });
}

const isWord = (w: unknown): w is DashScopeWord => {
  const o = jsonObject(w);
  return typeof o.text === 'string' && typeof o.begin_time === 'number' && typeof o.end_time === 'number';
};

/** Parse a server text frame; undefined for anything that is not a known event. */
export function parseServerEvent(text: string): ServerEvent | undefined {
  const frame = parseServerFrame(text);
  if (!frame) return undefined;
  const { taskId } = frame;
  switch (frame.event) {
    case 'task-started':
    case 'task-finished':
      return { event: frame.event, taskId };
    case 'task-failed':
      return { event: 'task-failed', taskId, errorCode: frame.errorCode, errorMessage: frame.errorMessage };
    case 'result-generated': {
      const output = jsonObject(frame.payload.output);
      const sentence = jsonObject(output.sentence);
      return {
        event: 'result-generated',
        taskId,
        type: typeof output.type === 'string' ? output.type : '',
        sentenceIndex: typeof sentence.index === 'number' ? sentence.index : undefined,
        words: Array.isArray(sentence.words) ? sentence.words.filter(isWord) : [],
        originalText: typeof output.original_text === 'string' ? output.original_text : undefined,
      };
    }
    default:
      return undefined;
  }
}
