/**
 * The CosyVoice cloud engine (DashScope duplex WebSocket): a warm connection pool per
 * endpoint with pre-started tasks for the default voice, a shared upstream limiter, and the
 * shared retry/failover/circuit-breaker loop with resume after a mid-stream drop. Fatal
 * refusals (bad key, unknown default voice or model) make the engine unhealthy with a
 * reason for /healthz. Cloned voices are enrolled upstream for COSYVOICE_MODEL
 * (`voice-enrollment.ts`) and spoken by their DashScope voice id; an instruction is sent
 * only to models that take one (`request-voice.ts`).
 */
import type { TtsEngine } from '../../server/src/core/engine.ts';
import { EngineError } from '../../server/src/core/errors.ts';
import { createNetworkEngine } from '../../server/src/core/engine-kit/network-engine.ts';
import { failureKind } from '../../server/src/core/engine-kit/resilience-errors.ts';
import { attempt$ } from './attempt.ts';
import { ConnectionPool, type PoolStats } from './connection-pool.ts';
import { type CosyVoiceEngineOptions, resolveCosyVoiceOptions, synthesisParameters } from './options.ts';
import { modelTakesInstruction, requestRefusal, requestVoice, type VoiceSettings } from './request-voice.ts';
import { dashscopeCharCount, MAX_CHARS_PER_TASK } from './text-limits.ts';
import { createVoiceEnrollment } from './voice-enrollment.ts';

export interface CosyVoiceEngine extends TtsEngine {
  /** Warm and busy sockets, and pre-started tasks, per endpoint. */
  poolStats(): ({ url: string } & PoolStats)[];
}

export async function createCosyVoiceEngine(engineOptions: CosyVoiceEngineOptions): Promise<CosyVoiceEngine> {
  const options = resolveCosyVoiceOptions(engineOptions);
  const { name, logger, metrics, limiter } = options;
  const log = logger; // bound to the engine's name by whoever creates it
  const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}` };
  if (options.workspace) headers['X-DashScope-WorkSpace'] = options.workspace;
  const voiceSettings: VoiceSettings = { engine: name, model: options.model, defaultVoice: options.voice };
  const engine = createNetworkEngine({
    options,
    sampleRateHz: options.sampleRateHz,
    speechParams: modelTakesInstruction(options.model) ? ['instruct'] : [],
    cloning: createVoiceEnrollment({
      url: options.enrollUrl,
      apiKey: options.apiKey,
      workspace: options.workspace,
      targetModel: options.model,
      timing: options.enrollment,
      logger: log,
    }),
    precheck: (request) => {
      const chars = dashscopeCharCount(request.text);
      if (chars > MAX_CHARS_PER_TASK) {
        return new EngineError('text_too_long', `text is ${chars} DashScope characters; one task takes at most ${MAX_CHARS_PER_TASK}`, false);
      }
      return requestRefusal(request, voiceSettings);
    },
    attempt$: (request, progress, context) => attempt$(deps, requestVoice(request, voiceSettings), progress, context),
    onCircuitChange: () => updateWarmTargets(),
    /** A fatal refusal (e.g. the key, seen while warming up) stops every pool from reconnecting. */
    onDisabled: () => {
      for (const pool of pools.values()) pool.setMinIdle(0);
    },
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  });
  const { endpoints, health } = engine;
  const pools = new Map(
    options.urls.map((url) => [
      url,
      new ConnectionPool({
        ...options.pool,
        url,
        headers,
        connectMs: options.deadlines.connectMs,
        engine: name,
        logger: log,
        metrics,
        onConnectError: (error) => {
          health.note(error);
          // An endpoint that cannot even be reached counts against its circuit before any request does.
          if (failureKind(error) === 'endpoint') endpoints.endpoints.find((e) => e.url === url)?.breaker.recordFailure();
        },
        preStart: {
          limiter,
          parameters: synthesisParameters(options),
          taskStartedMs: options.deadlines.taskStartedMs,
          onTaskError: (error) => health.note(error),
        },
      }),
    ]),
  );
  /** Keep warm sockets on the preferred endpoint only (the first whose circuit is closed). */
  const updateWarmTargets = () => {
    if (health.refusal()) return;
    const preferred = endpoints.preferred();
    for (const [url, pool] of pools) pool.setMinIdle(url === preferred?.url ? options.pool.minIdle : 0);
  };
  updateWarmTargets();

  const deps = { options, poolFor: (url: string) => pools.get(url)! };

  return { ...engine, poolStats: () => [...pools].map(([url, pool]) => ({ url, ...pool.stats() })) };
}
