/** The typed `/overlay` namespace, and how an overlay event value goes out through it. */
import type { Namespace, Socket } from 'socket.io';
import type { OverlayClientToServer, OverlayEvent, OverlayServerToClient } from '../core/protocol.ts';

/** An overlay ack, as processes forward it to each other (the readout's owner applies it). */
export type OverlayAck = { type: 'playback:start'; id: string; atMs: number } | { type: 'playback:end'; id: string };

/** Events between relay processes sharing `/overlay` through a cross-process adapter. */
export interface OverlayInterServer {
  'cluster:ack': (ack: OverlayAck) => void;
  /** An overlay connected on another process: send it this process's in-flight utterances. */
  'cluster:joined': (socketId: string) => void;
}

/** Nothing is kept on `socket.data`. */
export type NoSocketData = Record<string, never>;

export type OverlayServerNamespace = Namespace<OverlayClientToServer, OverlayServerToClient, OverlayInterServer, NoSocketData>;

export type OverlayServerSocket = Socket<OverlayClientToServer, OverlayServerToClient, OverlayInterServer, NoSocketData>;

/** Where overlay events can go: the namespace (every overlay), one socket, or a room. */
export interface OverlayTarget {
  emit<Ev extends keyof OverlayServerToClient>(ev: Ev, ...args: Parameters<OverlayServerToClient[Ev]>): unknown;
}

/** Sends one pipeline event (a type/data value) as its socket event. */
export function sendOverlayEvent(to: OverlayTarget, event: OverlayEvent): void {
  switch (event.type) {
    case 'utterance:start':
      return void to.emit(event.type, event.data);
    case 'audio:chunk':
      return void to.emit(event.type, event.data);
    case 'cue':
      return void to.emit(event.type, event.data);
    case 'utterance:end':
      return void to.emit(event.type, event.data);
    case 'utterance:cancel':
      return void to.emit(event.type, event.data);
    case 'subtitle:line':
      return void to.emit(event.type, event.data);
    case 'subtitle:clear':
      return void to.emit(event.type, event.data);
    default:
      // Every pipeline event has its case: a new one fails to compile here.
      return event satisfies never;
  }
}
