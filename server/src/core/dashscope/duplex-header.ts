/**
 * What every DashScope duplex WebSocket task shares, TTS and ASR alike: the client header
 * (`action`, `task_id`, `streaming: "duplex"`), task ids, finish-task, and the server event
 * header (`task_id`, `event`, and `error_code` / `error_message` on task-failed).
 *
 * PROTOCOLS: header fields from "Paraformer real-time speech recognition client events" and
 * "… server events" (help.aliyun.com/zh/model-studio/paraformer-client-events,
 * …/paraformer-server-events), the same as CosyVoice's WebSocket API.
 */
import { randomUUID } from 'node:crypto';
import { isRecord } from '../is-record.ts';

/** A task id: 32 hex digits (the docs show a UUID; the Python SDK sends `uuid4().hex`). */
export function newTaskId(): string {
  return randomUUID().replaceAll('-', '');
}

export function duplexHeader(action: 'run-task' | 'continue-task' | 'finish-task', taskId: string) {
  return { action, task_id: taskId, streaming: 'duplex' } as const;
}

export function finishTaskMessage(taskId: string): string {
  return JSON.stringify({ header: duplexHeader('finish-task', taskId), payload: { input: {} } });
}

export type Json = Record<string, unknown>;
export const jsonObject = (v: unknown): Json => (isRecord(v) ? v : {});

/** A server text frame's header and payload; undefined when it is not a JSON event. */
export interface ServerEventFrame {
  event: string;
  taskId: string;
  /** task-failed only. */
  errorCode: string;
  errorMessage: string;
  payload: Json;
}

export function parseServerFrame(text: string): ServerEventFrame | undefined {
  let message: Json;
  try {
    message = jsonObject(JSON.parse(text));
  } catch {
    return undefined;
  }
  const head = jsonObject(message.header);
  if (typeof head.event !== 'string') return undefined;
  return {
    event: head.event,
    taskId: typeof head.task_id === 'string' ? head.task_id : '',
    errorCode: typeof head.error_code === 'string' ? head.error_code : 'unknown',
    errorMessage: typeof head.error_message === 'string' ? head.error_message : '',
    payload: jsonObject(message.payload),
  };
}
