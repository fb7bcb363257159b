/** Builds and starts a whole relay from a config: what main.ts runs and tests start in-process. */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BehaviorSubject, combineLatest, map, merge, type Subscription } from 'rxjs';
import type { Config } from './config.ts';
import type { TtsEngine } from './core/engine.ts';
import type { Logger } from './core/logger.ts';
import { ingestRoutes } from './core/source.ts';
import { chainEngines, createConfiguredEngine, sharedCloudLimiter } from './engines.ts';
import { startGateway, type Gateway } from './gateway/server.ts';
import { formatHistory } from './subtitles/format-history.ts';
import { createPromEngineMetrics } from './metrics/engine-metrics.ts';
import { createPromRecognizerMetrics } from './metrics/recognizer-metrics.ts';
import { createConfiguredRecognizer } from './recognizers.ts';
import { createMetrics } from './metrics/registry.ts';
import { ModerationSettings } from './moderation/index.ts';
import { recordEngineActivity } from './panel-service/engine-activity.ts';
import { createPanelService } from './panel-service/panel-service.ts';
import { DurableQueue } from './queue/durable-queue.ts';
import { createRelay } from './relay/relay.ts';
import { createHistorySink } from './subtitles/history-sink.ts';
import { formatSpeech } from './subtitles/format-speech.ts';
import { SpeechLog } from './subtitles/speech-log.ts';
import type { CaptionSink } from './core/sink.ts';
import { loadSecrets, type Secrets } from './secrets.ts';
import { AsrVocabularySettings, hotWordsOf } from './settings/asr-vocabulary-settings.ts';
import { ObsSettings } from './settings/obs-settings.ts';
import { OverlayStyleSettings } from './settings/overlay-style-settings.ts';
import { QueuePolicySettings } from './settings/queue-policy-settings.ts';
import { SettingsStore } from './settings/settings-store.ts';
import { VoiceSettings } from './settings/voice-settings.ts';
import { VoicesSettings } from './settings/voices-settings.ts';
import { createConfiguredSources } from './sources.ts';
import { createVoiceLibrary, type VoiceLibrary } from './voices/voice-library.ts';
import { createObsIntegration, type ObsIntegration } from '../../plugin/obs/index.ts';
import { connectRedis, loadOwnerId, startQueueHandoff } from '../../plugin/redis/index.ts';

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../overlay/dist');

export interface RunningRelay {
  gateway: Gateway;
  secrets: Secrets;
  engine: TtsEngine;
  obs?: ObsIntegration;
  moderation: SettingsStore<typeof ModerationSettings>;
  /** The voice library: /api/voices, and how a caption's `voice` resolves (VoiceResolver). */
  voices: VoiceLibrary;
  close(): Promise<void>;
}

/** `engineOverride`: an engine, or engines in fallback order, instead of the configured ones (tests). */
export async function startRelay(config: Config, log: Logger, engineOverride?: TtsEngine | readonly TtsEngine[]): Promise<RunningRelay> {
  const dataDir = resolve(config.RELAY_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const secrets = loadSecrets(dataDir, { token: config.RELAY_TOKEN, overlayKey: config.RELAY_OVERLAY_KEY });
  // Run-time settings (the panel edits them): each a validated JSON file in the data dir.
  const moderation = new SettingsStore(join(dataDir, 'moderation.json'), ModerationSettings);
  const queuePolicy = new SettingsStore(join(dataDir, 'queue-policy.json'), QueuePolicySettings);
  const voice = new SettingsStore(join(dataDir, 'voice.json'), VoiceSettings);
  const voiceRules = new SettingsStore(join(dataDir, 'voices.json'), VoicesSettings);
  const overlayStyle = new SettingsStore(join(dataDir, 'overlay-style.json'), OverlayStyleSettings);
  const obsSettings = new SettingsStore(join(dataDir, 'obs.json'), ObsSettings);
  const asrVocabulary = new SettingsStore(join(dataDir, 'asr-vocabulary.json'), AsrVocabularySettings);
  const queue = new DurableQueue({ path: join(dataDir, 'relay.db'), maxQueued: config.RELAY_MAX_QUEUED });
  const policyUpdates = queuePolicy.value$.subscribe((policy) => queue.setPolicy(policy));
  const metrics = createMetrics();
  const engineActivity = recordEngineActivity(createPromEngineMetrics(metrics.registry));
  const redis = config.RELAY_REDIS_URL ? await connectRedis(config.RELAY_REDIS_URL, log.child({ part: 'redis' })) : undefined;
  const engine = engineOverride
    ? chainEngines([engineOverride].flat(), config, log, engineActivity.metrics)
    : await createConfiguredEngine(config, log, {
        metrics: engineActivity.metrics,
        cloudLimiter: redis && sharedCloudLimiter(redis.client, config),
      });
  /** Readouts held back by OBS (a pause scene); false until OBS says otherwise. */
  const obsPause$ = new BehaviorSubject(false);
  /** Readouts held back while this process's queue lease may have run out (scale-out). */
  const fenced$ = new BehaviorSubject(false);
  const voices = createVoiceLibrary({ dir: join(dataDir, 'voices'), engines: engine.engines, log: log.child({ part: 'voices' }) });
  const relay = createRelay({
    queue,
    engine,
    metrics,
    log: log.child({ part: 'relay' }),
    maxTextChars: config.RELAY_MAX_TEXT_CHARS,
    maxInFlight: config.RELAY_MAX_IN_FLIGHT,
    dedupeWindowMs: config.RELAY_DEDUPE_WINDOW_MS,
    ackGraceMs: config.RELAY_ACK_GRACE_MS,
    audioChunkMs: config.RELAY_AUDIO_CHUNK_MS,
    moderation$: moderation.value$,
    externalPause$: combineLatest([obsPause$, fenced$]).pipe(map(([obs, fenced]) => obs || fenced)),
    speech: () => voice.value,
    voices,
    voiceRules: () => voiceRules.value,
  });

  // Before the gateway opens (no overlay yet, nothing taken): readouts taken over while this
  // process was gone are dropped here before they could play twice.
  const handoff =
    redis &&
    (await startQueueHandoff({
      redis: redis.client,
      ownerId: loadOwnerId(dataDir),
      queue,
      endAcks$: relay.endAcks$,
      release: (ids, reason) => relay.dropReadouts(ids, reason),
      leaseMs: config.RELAY_REDIS_LEASE_MS,
      log: log.child({ part: 'handoff' }),
      onAdopted: (count) => metrics.readoutsTakenOverTotal.inc(count),
      onFenced: (fenced) => fenced$.next(fenced),
    }));


  const recognizer = await createConfiguredRecognizer(config, log, {
    metrics: engineActivity.metrics,
    recognizerMetrics: createPromRecognizerMetrics(metrics.registry),
    hotWords: { words$: asrVocabulary.value$.pipe(map(hotWordsOf)), recordPath: join(dataDir, 'asr-vocabulary-id.json') },
  });
  const { sources, speech } = createConfiguredSources(config, secrets.token, log, recognizer);
  const speechLog = new SpeechLog(join(dataDir, 'speech.db'), log.child({ part: 'speech-log' }));
  const ingest: Subscription = relay.connectSources(merge(...sources.map((s) => s.events$)));
  for (const source of sources) source.start();

  let obs: ObsIntegration | undefined;
  const panel = createPanelService({
    relay,
    queueChanges$: queue.changes$,
    isPaused: () => queue.isPaused(),
    engines: engine.engines,
    voices,
    engineActivity: engineActivity.snapshot,
    sources: () => sources.map((s) => ({ name: s.name, listens: s.upgrade !== undefined, ...s.status() })),
    obs: () => obs,
    obsConfigured: config.OBS_WEBSOCKET_URL !== undefined,
    limits: { maxTextChars: config.RELAY_MAX_TEXT_CHARS, dedupeWindowMs: config.RELAY_DEDUPE_WINDOW_MS },
    scaleOut: () => handoff?.status(),
    recognition: () => speech.recognition(),
    settings: { moderation, queuePolicy, voice, voices: voiceRules, overlayStyle, obs: obsSettings, asrVocabulary },
  });

  // An overlay's end of one of this process's readouts leaves the Redis mirror before the queue
  // records it: a process killed right after recording it leaves nothing heard to be taken over.
  const gatewayRelay: typeof relay = handoff
    ? {
        ...relay,
        playbackEnded(id) {
          const removing = handoff.ending(id);
          if (removing) void removing.then(() => relay.playbackEnded(id));
          else relay.playbackEnded(id);
        },
      }
    : relay;
  const gateway = await startGateway({
    relay: gatewayRelay,
    voices,
    formatHistory,
    speech: {
      render: (format, track, limit) => formatSpeech(speechLog.recent({ limit }), format, track),
      recognition: () => speech.recognition(),
    },
    panel,
    overlayStyle$: overlayStyle.value$,
    token: secrets.token,
    overlayKey: secrets.overlayKey,
    webDir: WEB_DIR,
    host: config.RELAY_HOST,
    port: config.RELAY_PORT,
    maxInFlight: config.RELAY_MAX_IN_FLIGHT,
    log: log.child({ part: 'gateway' }),
    ...ingestRoutes(sources),
    adapter: redis?.adapter,
  });

  if (config.OBS_WEBSOCKET_URL) {
    obs = createObsIntegration({
      url: config.OBS_WEBSOCKET_URL,
      password: config.OBS_WEBSOCKET_PASSWORD,
      overlayUrl: gateway.overlayUrl,
      scene: config.OBS_SCENE,
      sourceName: config.OBS_SOURCE_NAME,
      ensureOnStart: config.OBS_ENSURE_OVERLAY,
      pauseScenes: config.OBS_PAUSE_SCENES,
      duckInputs: config.OBS_DUCK_INPUTS,
      duckDb: config.OBS_DUCK_DB,
      captions: config.OBS_CAPTIONS,
      captionDelayMs: config.OBS_CAPTION_DELAY_MS,
      captionDelaySettingMs: () => obsSettings.value.captionDelayMs,
      logger: log.child({ part: 'obs' }),
    });
    obs.paused$.subscribe(obsPause$);
  }
  // Every consumer of readouts, in delivery order: overlays first (the audience), then the rest.
  const sinks: CaptionSink[] = [gateway.overlays, createHistorySink(queue, log.child({ part: 'history' })), speechLog, ...(obs ? [obs] : [])];
  const attachedSinks = sinks.map((sink) => sink.attach(relay.feed));

  return {
    gateway,
    secrets,
    engine,
    obs,
    moderation,
    voices,
    async close() {
      ingest.unsubscribe();
      for (const sink of attachedSinks) sink.unsubscribe();
      speechLog.close();
      await Promise.all(sources.map((s) => s.stop()));
      await obs?.close();
      await gateway.close();
      voices.close();
      panel.close();
      policyUpdates.unsubscribe();
      relay.close();
      await handoff?.stop();
      await engine.close();
      await redis?.close();
      queue.close();
    },
  };
}
