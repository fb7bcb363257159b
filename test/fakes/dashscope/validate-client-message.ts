/**
 * Strict checks of client → server messages, as the fake DashScope server applies them.
 * Returns the parsed message or the reason it is refused (sent back as InvalidParameter).
 */
import { isObject, type Json, need, Refused } from './duplex-fake-kit.ts';

const SAMPLE_RATES_HZ = [8000, 16000, 22050, 24000, 44100, 48000];
const FORMATS = ['pcm', 'wav', 'mp3', 'opus'];

export interface RunTask {
  action: 'run-task';
  taskId: string;
  model: string;
  voice: string;
  format: string;
  sampleRateHz: number;
  volume: number;
  rate: number;
  pitch: number;
  wordTimestamps: boolean;
  /** `parameters.instruction`, at most 128 characters (DashScope Python SDK, `tts_v2.SpeechSynthesizer`). */
  instruction?: string;
}
export interface ContinueTask {
  action: 'continue-task';
  taskId: string;
  text: string;
}
export interface FinishTask {
  action: 'finish-task';
  taskId: string;
}
export type ClientMessage = RunTask | ContinueTask | FinishTask;

function parseRunTask(taskId: string, payload: Json): RunTask {
  need(payload.task_group === 'audio', 'payload.task_group must be "audio"');
  need(payload.task === 'tts', 'payload.task must be "tts"');
  need(payload.function === 'SpeechSynthesizer', 'payload.function must be "SpeechSynthesizer"');
  need(typeof payload.model === 'string' && payload.model, 'payload.model is required');
  need(isObject(payload.input), 'payload.input must be an object');
  const p = payload.parameters;
  need(isObject(p), 'payload.parameters is required');
  need(p.text_type === 'PlainText', 'parameters.text_type must be "PlainText"');
  need(typeof p.voice === 'string' && p.voice, 'parameters.voice is required');
  need(typeof p.format === 'string' && FORMATS.includes(p.format), `parameters.format must be one of ${FORMATS.join(', ')}`);
  need(typeof p.sample_rate === 'number' && SAMPLE_RATES_HZ.includes(p.sample_rate), 'parameters.sample_rate is not supported');
  const volume = p.volume ?? 50;
  const rate = p.rate ?? 1;
  const pitch = p.pitch ?? 1;
  need(typeof volume === 'number' && Number.isInteger(volume) && volume >= 0 && volume <= 100, 'parameters.volume must be an integer 0-100');
  need(typeof rate === 'number' && rate >= 0.5 && rate <= 2, 'parameters.rate must be 0.5-2');
  need(typeof pitch === 'number' && pitch >= 0.5 && pitch <= 2, 'parameters.pitch must be 0.5-2');
  const instruction = p.instruction;
  need(instruction === undefined || (typeof instruction === 'string' && [...instruction].length <= 128), 'parameters.instruction must be a string of at most 128 characters');
  return {
    action: 'run-task',
    taskId,
    model: payload.model,
    voice: p.voice,
    format: p.format,
    sampleRateHz: p.sample_rate,
    volume,
    rate,
    pitch,
    wordTimestamps: p.word_timestamp_enabled === true,
    ...(instruction === undefined ? {} : { instruction }),
  };
}

export function parseClientMessage(raw: string): ClientMessage | { refused: string; taskId?: string } {
  let taskId: string | undefined;
  try {
    const message: unknown = JSON.parse(raw);
    need(isObject(message), 'message must be a JSON object');
    const { header, payload } = message;
    need(isObject(header), 'header is required');
    need(typeof header.task_id === 'string' && header.task_id, 'header.task_id is required');
    taskId = header.task_id;
    need(header.streaming === 'duplex', 'header.streaming must be "duplex"');
    need(isObject(payload), 'payload is required');
    switch (header.action) {
      case 'run-task':
        return parseRunTask(taskId, payload);
      case 'continue-task':
        need(isObject(payload.input) && typeof payload.input.text === 'string', 'payload.input.text is required');
        return { action: 'continue-task', taskId, text: payload.input.text };
      case 'finish-task':
        need(isObject(payload.input), 'payload.input must be an object');
        return { action: 'finish-task', taskId };
      default:
        throw new Refused(`unknown header.action ${String(header.action)}`);
    }
  } catch (error) {
    if (error instanceof SyntaxError) return { refused: 'message is not valid JSON' };
    if (error instanceof Refused) return { refused: error.message, ...(taskId ? { taskId } : {}) };
    throw error;
  }
}
