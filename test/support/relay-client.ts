/** What every test client of the relay's namespaces passes to socket.io-client: the relay's wire protocol. */
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { WIRE_PROTOCOL_VERSION, wireParser } from '../../server/src/core/wire-format.ts';

/** `auth` (key or token) with the protocol version, and the relay's parser. */
export function relayClientOptions(auth: Record<string, unknown>): Partial<ManagerOptions & SocketOptions> {
  return { auth: { ...auth, protocol: WIRE_PROTOCOL_VERSION }, parser: wireParser };
}
