/**
 * Every namespace speaks wire protocol 2 (core/wire-format.ts: one WebSocket frame per
 * binary event). A client that does not say so in its handshake (`auth.protocol`) would
 * fail on the first audio chunk; it is refused at once with a `connect_error` it can read
 * (connect errors are text frames, which every socket.io parser decodes).
 */
import type { Namespace } from 'socket.io';
import { WIRE_PROTOCOL_VERSION } from '../core/wire-format.ts';

/** The `connect_error` a client of another wire protocol gets (`err.message`, `err.data`). */
export class WireProtocolError extends Error {
  readonly code = 'protocol_version';
  readonly data: { code: 'protocol_version'; expected: number; got: unknown };

  constructor(got: unknown) {
    super(
      `this relay speaks wire protocol ${WIRE_PROTOCOL_VERSION}: connect with auth.protocol = ${WIRE_PROTOCOL_VERSION} and the relay's ` +
        `socket.io parser (one WebSocket frame per binary event; see the README, "Wire format")`,
    );
    this.data = { code: this.code, expected: WIRE_PROTOCOL_VERSION, got };
  }
}

export function requireWireProtocol(ns: Namespace): void {
  ns.use((socket, next) => {
    const got: unknown = socket.handshake.auth?.protocol;
    next(got === WIRE_PROTOCOL_VERSION ? undefined : new WireProtocolError(typeof got === 'number' || typeof got === 'string' ? got : null));
  });
}
