/**
 * The DashScope real-time recognizer (Paraformer, Fun-ASR, Gummy with translations): the
 * engine kit's endpoints (circuit breaker per ASR_URL entry), health (a refused key or model
 * disables it with a reason), the account's task quota (limiter), and its metrics; each
 * `open()` is a session (`session.ts`) that owns its tasks, rollovers and reconnects.
 */
import { EndpointSet } from '../../server/src/core/engine-kit/endpoint-set.ts';
import { EngineHealth } from '../../server/src/core/engine-kit/engine-health.ts';
import type { RecognizerEngine, RecognizerSessionOptions } from '../../server/src/core/recognizer.ts';
import { type DashScopeRecognizerOptions, resolveRecognizerOptions } from './options.ts';
import { DashScopeSession } from './session.ts';

export async function createDashScopeRecognizer(engineOptions: DashScopeRecognizerOptions): Promise<RecognizerEngine> {
  const options = resolveRecognizerOptions(engineOptions);
  const { name, metrics, recognizerMetrics, logger: log } = options;
  const endpoints = new EndpointSet(options.urls, {
    breaker: options.breaker,
    onStateChange: (endpoint, state) => {
      metrics.setCircuitState(name, endpoint.url, state);
      log.warn({ url: endpoint.url, state }, `circuit ${state}`);
    },
  });
  const health = new EngineHealth(name, endpoints, log);
  const open = new Set<DashScopeSession>();
  let nextSession = 1;

  return {
    name,
    model: options.parameters.model,
    translateTo: options.parameters.translateTo,
    open(sessionOptions: RecognizerSessionOptions = {}) {
      const id = sessionOptions.label ?? `asr-${nextSession++}`;
      let session: DashScopeSession | undefined;
      session = new DashScopeSession({
        id,
        options,
        endpoints,
        health,
        logger: log,
        onEnded: () => {
          if (session) open.delete(session);
          recognizerMetrics.setSessionsOpen(name, open.size);
        },
      });
      if (session.status().state === 'failed') return session;
      open.add(session);
      recognizerMetrics.setSessionsOpen(name, open.size);
      return session;
    },
    healthy: () => health.healthy(),
    healthReason: () => health.healthReason(),
    async close() {
      health.markClosed();
      for (const session of [...open]) session.abort();
    },
  };
}
