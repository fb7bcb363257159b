import type { Namespace, Server } from 'socket.io';
import { auditTime, type Subscription } from 'rxjs';
import { RelayError, ValidationError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { PanelAck, PanelClientToServer, PanelServerToClient } from '../core/protocol.ts';
import { secretMatches } from './auth.ts';
import { errorBody } from './errors.ts';
import { TokenBucket } from '../core/resilience/token-bucket.ts';
import type { RelayPort } from './ports.ts';

/** Panel updates are coalesced: at most one queue snapshot per this interval. */
const QUEUE_UPDATE_INTERVAL_MS = 100;

function failure(err: unknown, log: Logger): PanelAck {
  if (err instanceof RelayError) return { ok: false, ...errorBody(err) };
  log.error({ err }, 'panel command failed');
  return { ok: false, error: { code: 'internal', message: 'internal error' } };
}

/** `/panel`: token auth, live queue snapshots, commands answered through acks. */
export function attachPanelNamespace(io: Server, relay: RelayPort, token: string, log: Logger): { close(): void } {
  const ns: Namespace<PanelClientToServer, PanelServerToClient> = io.of('/panel');

  ns.use((socket, next) => {
    if (secretMatches(socket.handshake.auth?.token, token)) return next();
    log.warn({ address: socket.handshake.address }, 'panel refused: wrong token');
    next(new Error('unauthorized'));
  });

  ns.on('connection', (socket) => {
    const rate = new TokenBucket(20, 40);
    socket.emit('queue:update', relay.listQueue());
    const command =
      <E>(run: (e: E) => PanelAck) =>
      (e: E, ack: unknown) => {
        if (typeof ack !== 'function') return;
        if (!rate.tryTake()) return ack({ ok: false, error: { code: 'rate_limited', message: 'too many commands' } });
        try {
          ack(run(e));
        } catch (err) {
          ack(failure(err, log));
        }
      };
    socket.on(
      'caption:send',
      command((e: { text: string }) => {
        const text = (e as { text?: unknown })?.text;
        if (typeof text !== 'string') throw new ValidationError('invalid_body', 'text must be a string');
        const { id } = relay.submit({ text, source: 'panel', user: 'panel' });
        return { ok: true, id };
      }),
    );
    socket.on(
      'queue:skip',
      command((e: { id: string }) => {
        const id = (e as { id?: unknown })?.id;
        if (typeof id !== 'string' || !relay.skip(id)) {
          return { ok: false, error: { code: 'not_found', message: `no active readout with id ${String(id)}` } };
        }
        return { ok: true, id };
      }),
    );
  });

  const subscription: Subscription = relay.queueChanged$
    .pipe(auditTime(QUEUE_UPDATE_INTERVAL_MS))
    .subscribe(() => ns.emit('queue:update', relay.listQueue()));
  return { close: () => subscription.unsubscribe() };
}
