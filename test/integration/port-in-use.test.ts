/**
 * Issue 12, the first hour: a second relay started on the port of one already running says
 * that the port is taken, probably by another relay, and how to choose another — not a stack.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startChildRelay, type ChildRelay } from '../support/child-relay.ts';

const relays: ChildRelay[] = [];
afterAll(async () => {
  for (const relay of relays) await relay.kill();
});

describe('a second relay on a port already in use', () => {
  it('exits with a message naming the port, the likely culprit and the setting to change', async () => {
    const first = await startChildRelay();
    relays.push(first);
    const port = new URL(first.url).port;

    const second = startChildRelay({ env: { RELAY_PORT: port } });
    const failure = await second.then(
      (relay) => (relays.push(relay), undefined),
      (err: Error) => err.message,
    );
    expect(failure).toBeDefined();
    expect(failure).toContain(`cosy-relay failed to start: port ${port} on 127.0.0.1 is already in use`);
    expect(failure).toContain('another cosy-relay');
    expect(failure).toMatch(/RELAY_PORT=\d+ \(or the flag --relay-port \d+\)/);
    expect(failure).not.toMatch(/\n\s+at /); // no stack trace
    expect(first.running()).toBe(true);
  });
});
