/**
 * Issue 12: a failed connection to DashScope says why — a wrong key (HTTP 401 on the
 * upgrade), a refused port, TLS to a port that speaks plain HTTP, no answer in time, a name
 * DNS cannot resolve — so a wrong key and a blocked network read differently, in the error
 * (what /healthz and the panel show) and in the log line (with `engine` once).
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs } from '../../test/hostile/log-capture.ts';
import { captureSynthesis } from '../../test/fakes/dashscope/capture-synthesis.ts';
import { type FakeDashScope, startFakeDashScope } from '../../test/fakes/dashscope/fake-dashscope-server.ts';
import { testEngineOptions, until } from '../../test/fakes/dashscope/test-engine-options.ts';
import { DashScopeConnection } from './dashscope-connection.ts';
import { createCosyVoiceEngine } from './index.ts';

let fake: FakeDashScope | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const open = (url: string, apiKey: string, timeoutMs = 3_000) =>
  DashScopeConnection.open(url, { Authorization: `Bearer ${apiKey}` }, timeoutMs).then(
    (connection) => (void connection.close(), undefined),
    (error: Error & { code: string }) => error,
  );

describe('why a DashScope connection failed', () => {
  it('a wrong key: auth_failed with the HTTP status and the setting to check', async () => {
    fake = await startFakeDashScope();
    const error = await open(fake.url, 'wrong-key');
    expect(error).toMatchObject({ code: 'auth_failed' });
    expect(error!.message).toMatch(/COSYVOICE_API_KEY \(HTTP 401 InvalidApiKey/u);
  });

  it('a refused port: connect_failed naming the refusal', async () => {
    const port = await closedPort();
    const error = await open(`ws://127.0.0.1:${port}/api-ws/v1/inference`, 'k');
    expect(error).toMatchObject({ code: 'connect_failed' });
    expect(error!.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} refused the connection.*\\[ECONNREFUSED\\]`, 'u'));
  });

  it('TLS to a port that speaks plain HTTP: connect_failed naming TLS', async () => {
    fake = await startFakeDashScope();
    const error = await open(fake.url.replace(/^ws:/u, 'wss:'), fake.apiKey);
    expect(error).toMatchObject({ code: 'connect_failed' });
    expect(error!.message).toMatch(/TLS handshake .* failed/u);
  });

  it('no answer in time: the connect deadline', async () => {
    fake = await startFakeDashScope();
    fake.injectConnectionFault({ kind: 'slow-accept', ms: 2_000 });
    const error = await open(fake.url, fake.apiKey, 150);
    expect(error).toMatchObject({ code: 'deadline_exceeded' });
    expect(error!.message).toMatch(/connect deadline of 150 ms missed/u);
  });

  it('a name DNS cannot resolve: connect_failed naming DNS', async () => {
    // .invalid never resolves (RFC 6761): the local resolver answers without the network.
    const error = await open('wss://dashscope.invalid/api-ws/v1/inference', 'k');
    expect(error).toMatchObject({ code: expect.stringMatching(/^(connect_failed|deadline_exceeded)$/u) });
    if (error!.code === 'connect_failed') expect(error!.message).toMatch(/DNS cannot resolve dashscope\.invalid/u);
  });

  it('logs the cause once per line, with the engine named once', async () => {
    const port = await closedPort();
    const logs = captureLogs(() => []);
    // As the composition root (server/src/engines.ts) binds it.
    const logger = logs.log.child({ engine: 'cosyvoice' });
    fake = await startFakeDashScope();
    const engine = await createCosyVoiceEngine(
      testEngineOptions(fake, { urls: [`ws://127.0.0.1:${port}/api-ws/v1/inference`], logger, retry: { maxAttempts: 1 } }),
    );
    try {
      await until(() => logs.tail().some((line) => line.includes('cannot open a warm socket')), 3_000, 'the warm socket warning');
      const line = logs.tail().find((l) => l.includes('cannot open a warm socket'))!;
      expect(line).toMatch(/cannot open a warm socket: cannot connect to DashScope .* refused the connection/u);
      for (const l of logs.tail()) expect(l.match(/"engine":/gu)?.length ?? 0).toBeLessThanOrEqual(1);
      const result = await captureSynthesis(engine, { id: 'u', text: '你好' });
      expect((result.error as Error | undefined)?.message).toMatch(/refused the connection|circuit is open/u);
    } finally {
      await engine.close();
    }
  });
});
