/**
 * The panel's socket (`/panel`, token auth): connection state, pushed state into LiveValues,
 * and commands that resolve with their result or reject with a typed PanelCommandError.
 */
import type {
  PanelAck,
  PanelCommandName,
  PanelCommands,
  PanelHealth,
  PanelInit,
  PanelQueueItem,
  PanelSettings,
  PanelStats,
  SubtitlesState,
} from '../../../server/src/core/protocol.ts';
import { connectNamespace, type NamespaceSockets } from '../lib/socket.ts';
import { LiveValue } from './live-value.ts';

export type ConnState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

export type CommandName = PanelCommandName;
export type CommandPayload<K extends CommandName> = PanelCommands[K]['payload'];
export type CommandResult<K extends CommandName> = PanelCommands[K]['result'];

/** A command the relay refused (`code` as in the HTTP API) or that got no answer ('timeout'). */
export class PanelCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PanelCommandError';
  }
}

const ACK_TIMEOUT_MS = 10_000;

/** What the relay pushes, as live values (null until the first push). */
export const conn$ = new LiveValue<ConnState>('idle');
export const init$ = new LiveValue<PanelInit | null>(null);
export const queue$ = new LiveValue<PanelQueueItem[]>([]);
export const health$ = new LiveValue<PanelHealth | null>(null);
export const stats$ = new LiveValue<PanelStats | null>(null);
export const settings$ = new LiveValue<PanelSettings | null>(null);
export const subtitles$ = new LiveValue<SubtitlesState>({ muted: false, recent: [] });

/** Relay clock minus this browser's, from the last health push (progress bars, "ago" times). */
let clockOffsetMs = 0;
export const relayNowMs = (): number => Date.now() + clockOffsetMs;

let socket: NamespaceSockets['/panel'] | null = null;
let token: string | null = null;

/** The token in use (downloads send it as a bearer token). */
export const currentToken = (): string | null => token;

export function connect(newToken: string): void {
  disconnect();
  token = newToken;
  conn$.set('connecting');
  const s = connectNamespace('/panel', { token: newToken });
  socket = s;
  s.on('connect', () => conn$.set('connected'));
  s.on('disconnect', () => {
    if (socket === s && conn$.value !== 'unauthorized') conn$.set('disconnected');
  });
  s.on('connect_error', (err) => {
    if (socket !== s) return;
    if (err.message === 'unauthorized') {
      disconnect();
      conn$.set('unauthorized');
    } else {
      conn$.set('disconnected');
    }
  });
  s.on('panel:init', (e) => init$.set(e));
  s.on('queue:update', (items) => queue$.set(Array.isArray(items) ? items : []));
  s.on('health:update', (h) => {
    clockOffsetMs = h.nowMs - Date.now();
    health$.set(h);
  });
  s.on('stats:update', (e) => stats$.set(e));
  s.on('settings:update', (e) => settings$.set(e));
  s.on('subtitles:update', (e) => subtitles$.set(e));
}

export function disconnect(): void {
  socket?.disconnect();
  socket = null;
  token = null;
  conn$.set('idle');
}

/** Sends a command; resolves with its result, rejects with PanelCommandError. */
export async function command<K extends CommandName>(name: K, payload: CommandPayload<K>): Promise<CommandResult<K>> {
  if (!socket) throw new PanelCommandError('not_connected', 'not connected');
  let answer: PanelAck<CommandResult<K>>;
  try {
    // socket.io's event-map types cannot follow a generic K: the signature above ties payload
    // and result to the command, the call goes out under the name's union type.
    const event: CommandName = name;
    answer = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
  } catch {
    throw new PanelCommandError('timeout', 'no answer from the relay');
  }
  if (!answer.ok) throw new PanelCommandError(answer.error.code, answer.error.message);
  return answer;
}
