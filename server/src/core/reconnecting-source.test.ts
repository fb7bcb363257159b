import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.ts';
import { createReconnectingSource, type SourceConnection } from './reconnecting-source.ts';
import { SourceError } from './source.ts';

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const closedOnAbort = (c: SourceConnection): Promise<void> =>
  new Promise((resolve) => c.signal.addEventListener('abort', () => resolve(), { once: true }));

describe('createReconnectingSource', () => {
  it('retries failed connections with growing delays and resets the backoff once connected', async () => {
    const startedAt: number[] = [];
    let attempt = 0;
    const source = createReconnectingSource({
      name: 'test',
      logger: silentLogger,
      idleTimeoutMs: 0,
      backoff: { baseDelayMs: 20, multiplier: 4, maxDelayMs: 1_000, jitterRatio: 0 },
      connect: async (c) => {
        startedAt.push(Date.now());
        attempt += 1;
        if (attempt <= 3) throw new Error(`refused #${attempt}`);
        if (attempt === 4) c.connected(); // usable, then closes: the next delay is the initial one again
      },
    });
    source.start();
    await until(() => startedAt.length >= 6);
    await source.stop();
    const gaps = startedAt.slice(1).map((t, i) => t - startedAt[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(19); // 20
    expect(gaps[1]).toBeGreaterThanOrEqual(79); // 80
    expect(gaps[2]).toBeGreaterThanOrEqual(319); // 320
    expect(gaps[3]).toBeLessThan(200); // 20 again after a usable connection
    expect(source.status().lastError).toMatch(/refused/u);
  });

  it('reports connected while a usable connection is open, and counts emitted events', async () => {
    let open: SourceConnection | undefined;
    const source = createReconnectingSource({
      name: 'test',
      logger: silentLogger,
      idleTimeoutMs: 0,
      connect: (c) => {
        open = c;
        c.connected();
        return closedOnAbort(c);
      },
    });
    source.start();
    await until(() => source.status().connected);
    const event = firstValueFrom(source.events$);
    open!.emit({ type: 'clear-message', source: 'test', messageId: 'x', receivedAtMs: 0 });
    await expect(event).resolves.toMatchObject({ messageId: 'x' });
    expect(source.status()).toEqual({ connected: true, messagesPerMin: 1 });
    await source.stop();
    expect(source.status().connected).toBe(false);
  });

  it('aborts a connection that stays silent past idleTimeoutMs, and reconnects', async () => {
    let connects = 0;
    const source = createReconnectingSource({
      name: 'test',
      logger: silentLogger,
      idleTimeoutMs: 20,
      backoff: { baseDelayMs: 5, jitterRatio: 0 },
      connect: (c) => {
        connects += 1;
        c.connected();
        return closedOnAbort(c);
      },
    });
    source.start();
    await until(() => connects >= 2);
    expect(source.status().lastError).toMatch(/nothing received for 20 ms/u);
    await source.stop();
  });

  it('alive() keeps a connection open past the idle timeout', async () => {
    let connects = 0;
    let beat: NodeJS.Timeout | undefined;
    const source = createReconnectingSource({
      name: 'test',
      logger: silentLogger,
      idleTimeoutMs: 30,
      connect: (c) => {
        connects += 1;
        beat = setInterval(() => c.alive(), 5);
        return closedOnAbort(c);
      },
    });
    source.start();
    await new Promise((r) => setTimeout(r, 120));
    clearInterval(beat);
    expect(connects).toBe(1);
    await source.stop();
  });

  it('stop() ends a pending backoff wait at once', async () => {
    const source = createReconnectingSource({
      name: 'test',
      logger: silentLogger,
      idleTimeoutMs: 0,
      backoff: { baseDelayMs: 60_000, maxDelayMs: 60_000, jitterRatio: 0 },
      connect: async () => {
        throw new Error('down');
      },
    });
    source.start();
    await until(() => source.status().lastError !== undefined);
    const before = Date.now();
    await source.stop();
    expect(Date.now() - before).toBeLessThan(500);
  });

  it("reconnects at once when a usable connection failed with 'at-once', then backs off if it keeps failing", async () => {
    const startedAt: number[] = [];
    const source = createReconnectingSource({
      name: 'test',
      logger: silentLogger,
      idleTimeoutMs: 0,
      backoff: { baseDelayMs: 300, maxDelayMs: 300, jitterRatio: 0 },
      connect: async (c) => {
        startedAt.push(Date.now());
        if (startedAt.length === 1) c.connected();
        throw new SourceError('server_asked', 'reconnect now', { reconnect: 'at-once' });
      },
    });
    source.start();
    await until(() => startedAt.length >= 3);
    await source.stop();
    expect(startedAt[1]! - startedAt[0]!).toBeLessThan(100); // after a usable connection: at once
    expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(299); // never usable since: the backoff
  });

  it("stops retrying after a failure with 'never', keeping the error", async () => {
    let connects = 0;
    const source = createReconnectingSource({
      name: 'test',
      logger: silentLogger,
      idleTimeoutMs: 0,
      backoff: { baseDelayMs: 5, jitterRatio: 0 },
      connect: async () => {
        connects += 1;
        throw new SourceError('app_unknown', 'no such app', { reconnect: 'never' });
      },
    });
    source.start();
    await until(() => connects === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(connects).toBe(1);
    expect(source.status()).toMatchObject({ connected: false, lastError: 'no such app' });
    await source.stop();
  });
});
