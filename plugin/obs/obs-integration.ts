/**
 * The OBS integration: keeps an obs-websocket session, manages the overlay browser source
 * (or a text-source fallback), sends word-paced CEA-608 live captions, ducks chosen inputs
 * while a readout plays, and reports whether the program scene asks readouts to wait.
 * Everything starts at construction; close() restores ducked inputs and disconnects.
 */
import {
  BehaviorSubject,
  EMPTY,
  Subscription,
  asyncScheduler,
  defer,
  distinctUntilChanged,
  ignoreElements,
  map,
  merge,
  share,
  switchMap,
  tap,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import type { Logger } from '../../server/src/core/logger.ts';
import type { CaptionSink, ReadoutFeed } from '../../server/src/core/sink.ts';
import type { BackoffPolicy } from '../../server/src/core/engine-kit/backoff.ts';
import { chooseCaptionDelay } from './caption-delay.ts';
import { pacedCaptions } from './caption-pacer.ts';
import { createCaptionWriter } from './caption-writer.ts';
import { createDucker } from './ducking.ts';
import { connectToObs, type ObsLinkState } from './obs-connection.ts';
import { ObsError, errorMessage } from './obs-errors.ts';
import type { ObsSession } from './obs-session.ts';
import {
  BROWSER_SOURCE_KIND,
  ensureOverlayInput,
  refreshBrowserSource,
  type EnsureOverlayResult,
} from './overlay-input.ts';
import { anyPlaying, readoutEvents } from './readout-events.ts';
import { spokenLineEvents } from './spoken-line-events.ts';

export const DEFAULT_OBS_SOURCE_NAME = 'cosy-relay overlay';
export const DEFAULT_DUCK_DB = -12;

const READOUT_LIMITS = { endGraceMs: 5_000, maxReadoutMs: 5 * 60_000, maxTracked: 64, maxWords: 2_000 };
/** How long a readout's last caption line stays after its audio ends (then an empty caption clears it). */
const CAPTION_CLEAR_AFTER_MS = 1_000;

export interface ObsIntegrationOptions {
  /** obs-websocket address, e.g. ws://127.0.0.1:4455. */
  url: string;
  password?: string;
  /** The overlay page URL including its key (never logged or reported). */
  overlayUrl: string;
  /** Scene for the overlay source; default the current program scene. */
  scene?: string;
  /** Name of the browser source; default 'cosy-relay overlay'. */
  sourceName?: string;
  /** Create or update the overlay source on the first connection. */
  ensureOnStart: boolean;
  /** Program scenes on which readouts wait (paused$ is true there). */
  pauseScenes: readonly string[];
  /** Inputs lowered while a readout plays. */
  duckInputs: readonly string[];
  /** How much to lower them; default -12 dB. */
  duckDb?: number;
  /** Send CEA-608 live captions while streaming; default true. */
  captions?: boolean;
  /**
   * How long after the audio plays its captions are sent, to match OBS's encoder delay
   * (OBS_CAPTION_DELAY_MS); default: chosen from OBS's stream encoder when OBS connects
   * (caption-delay.ts).
   */
  captionDelayMs?: number;
  /** The panel's caption delay, read per caption; undefined = captionDelayMs or the automatic choice. */
  captionDelaySettingMs?: () => number | undefined;
  logger: Logger;
  /** Reconnect delays; default OBS_RECONNECT_BACKOFF (1 s doubling to 30 s). */
  backoff?: Partial<BackoffPolicy>;
  /** Delays after a refused password; default OBS_AUTH_RETRY_BACKOFF (1 min doubling to 5 min). */
  authBackoff?: Partial<BackoffPolicy>;
  /** Default 5 s each. */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Clock and timers for caption pacing; default asyncScheduler. */
  scheduler?: SchedulerLike;
}

export interface ObsStatus {
  connected: boolean;
  /** The latest problem: connection refused/lost, wrong password, overlay setup failed. */
  lastError?: string;
  obsVersion?: string;
  streaming: boolean;
  /** OBS can create browser sources (the overlay with its audio can run inside OBS). */
  browserSourceAvailable: boolean;
  /** Set when captions go to a text source because OBS has no browser source. */
  captionFallback?: 'text-source';
  currentScene?: string;
  /** The program scene is one of pauseScenes (false while disconnected). */
  paused: boolean;
}

/**
 * A sink of the relay's feed: captions follow the cue word timings and the playback acks,
 * inputs are ducked while a readout plays.
 */
export interface ObsIntegration extends CaptionSink {
  readonly status$: Observable<ObsStatus>;
  status(): ObsStatus;
  /** True while the program scene is in pauseScenes: the relay holds its queue. */
  readonly paused$: Observable<boolean>;
  /** Creates or updates (and reloads) the overlay browser source, or falls back to a text source. */
  ensureOverlay(): Promise<EnsureOverlayResult>;
  /** Reloads the overlay browser source without cache. */
  refreshOverlay(): Promise<void>;
  /** Restores ducked inputs, stops everything and disconnects. */
  close(): Promise<void>;
}

type StatusPatch = { [K in keyof ObsStatus]?: ObsStatus[K] | undefined };

export function createObsIntegration(options: ObsIntegrationOptions): ObsIntegration {
  const log = options.logger.child({ plugin: 'obs' });
  const scheduler = options.scheduler ?? asyncScheduler;
  const sourceName = options.sourceName ?? DEFAULT_OBS_SOURCE_NAME;
  const pauseScenes = new Set(options.pauseScenes);
  const status$ = new BehaviorSubject<ObsStatus>({ connected: false, streaming: false, browserSourceAvailable: false, paused: false });
  let textInputName: string | undefined;
  let overlayEnsured = false;
  let playing = false;
  let captionDelayMs = options.captionDelayMs ?? 0;

  const patch = (changes: StatusPatch): void => {
    const next = { ...status$.value, ...changes } as ObsStatus & StatusPatch;
    for (const key of Object.keys(next) as (keyof ObsStatus)[]) if (next[key] === undefined) delete next[key];
    next.paused = next.connected && next.currentScene !== undefined && pauseScenes.has(next.currentScene);
    status$.next(next);
  };

  const connection = connectToObs({
    url: options.url,
    ...(options.password ? { password: options.password } : {}),
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    logger: log,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.authBackoff ? { authBackoff: options.authBackoff } : {}),
  });

  const ducker = createDucker({
    inputs: options.duckInputs,
    duckDb: options.duckDb ?? DEFAULT_DUCK_DB,
    session: () => connection.current(),
    logger: log,
  });
  const captionWriter = createCaptionWriter({
    streamCaptions: options.captions ?? true,
    session: () => connection.current(),
    streaming: () => status$.value.streaming,
    notStreaming: () => patch({ streaming: false }),
    textInputName: () => textInputName,
    logger: log,
  });

  const requireSession = (): ObsSession => {
    const session = connection.current();
    if (session) return session;
    const why = status$.value.lastError;
    throw new ObsError('obs_not_connected', `OBS is not connected${why ? `: ${why}` : ''}`);
  };

  let ensuring: Promise<EnsureOverlayResult> | undefined;
  /** One setup at a time: a second call while one runs shares its result. */
  const ensureOverlay = (): Promise<EnsureOverlayResult> => {
    ensuring ??= setUpOverlay().finally(() => {
      ensuring = undefined;
    });
    return ensuring;
  };

  async function setUpOverlay(): Promise<EnsureOverlayResult> {
    try {
      const result = await ensureOverlayInput(requireSession(), {
        ...(options.scene ? { sceneName: options.scene } : {}),
        inputName: sourceName,
        overlayUrl: options.overlayUrl,
      });
      overlayEnsured = true;
      if (result.outcome === 'fallback') {
        textInputName = result.inputName;
        const why = `OBS has no browser source (${BROWSER_SOURCE_KIND}), so the audio overlay cannot run inside OBS; captions are shown in the text source "${result.inputName}" instead`;
        log.warn({ inputName: result.inputName, sceneName: result.sceneName }, why);
        patch({ browserSourceAvailable: false, captionFallback: 'text-source', lastError: why });
      } else {
        textInputName = undefined;
        log.info({ inputName: result.inputName, sceneName: result.sceneName, outcome: result.outcome }, 'obs overlay source ready');
        patch({ browserSourceAvailable: true, captionFallback: undefined });
      }
      return result;
    } catch (error) {
      patch({ lastError: `overlay source setup failed: ${errorMessage(error)}` });
      throw error;
    }
  }

  async function pickCaptionDelay(session: ObsSession): Promise<void> {
    if (options.captionDelayMs !== undefined || !(options.captions ?? true)) return;
    try {
      const choice = await chooseCaptionDelay(session);
      captionDelayMs = choice.delayMs;
      log.info({ captionDelayMs, from: choice.why }, 'obs caption delay chosen (set OBS_CAPTION_DELAY_MS to override)');
    } catch (error) {
      log.warn({ error: errorMessage(error), captionDelayMs }, 'obs caption delay: cannot read the OBS profile');
    }
  }

  async function initSession(session: ObsSession): Promise<void> {
    const [version, stream, scene, kinds] = await Promise.all([
      session.call('GetVersion'),
      session.call('GetStreamStatus'),
      session.call('GetCurrentProgramScene'),
      session.call('GetInputKindList'),
    ]);
    patch({
      obsVersion: version.obsVersion,
      streaming: stream.outputActive,
      currentScene: scene.currentProgramSceneName,
      browserSourceAvailable: kinds.inputKinds.includes(BROWSER_SOURCE_KIND),
    });
    ducker.set(playing);
    await pickCaptionDelay(session);
    if (options.ensureOnStart && !overlayEnsured) await ensureOverlay();
  }

  const sessionWork$ = (session: ObsSession): Observable<never> =>
    merge(
      session.event$('CurrentProgramSceneChanged').pipe(tap((e) => patch({ currentScene: e.sceneName }))),
      session.event$('StreamStateChanged').pipe(tap((e) => patch({ streaming: e.outputActive }))),
      defer(() =>
        initSession(session).catch((error: unknown) => {
          log.warn({ error: errorMessage(error) }, 'obs session setup failed');
          if (!status$.value.lastError) patch({ lastError: errorMessage(error) });
        }),
      ),
    ).pipe(ignoreElements());

  const onLink = (link: ObsLinkState): void => {
    if (link.session) patch({ connected: true, lastError: undefined });
    else patch({ connected: false, streaming: false, currentScene: undefined, lastError: link.lastError });
  };

  const reportStreamError = (error: unknown): void => log.error({ error: errorMessage(error) }, 'obs integration input stream failed');
  const subscriptions = new Subscription();
  subscriptions.add(
    connection.state$
      .pipe(
        tap(onLink),
        map((link) => link.session),
        distinctUntilChanged(),
        switchMap((session) => (session ? sessionWork$(session) : EMPTY)),
      )
      .subscribe(),
  );

  const attach = (feed: ReadoutFeed): Subscription => {
    const readout$ = readoutEvents(feed.events$, feed.playback$, { scheduler, ...READOUT_LIMITS }).pipe(share());
    const attached = new Subscription();
    attached.add(
      anyPlaying(readout$).subscribe({
        next: (now) => {
          playing = now;
          ducker.set(now);
        },
        error: reportStreamError,
      }),
    );
    attached.add(
      // The streamer's recognized voice is captioned too, paced the same way (never ducked).
      pacedCaptions(merge(readout$, spokenLineEvents(feed.events$, scheduler)), {
        scheduler,
        maxWords: READOUT_LIMITS.maxWords,
        maxTracked: READOUT_LIMITS.maxTracked,
        delayMs: () => options.captionDelaySettingMs?.() ?? captionDelayMs,
        clearAfterMs: CAPTION_CLEAR_AFTER_MS,
      }).subscribe({
        next: (update) => captionWriter.show(update),
        error: reportStreamError,
      }),
    );
    subscriptions.add(attached);
    return attached;
  };

  return {
    name: 'obs',
    attach,
    status$: status$.asObservable(),
    status: () => status$.value,
    paused$: status$.pipe(
      map((s) => s.paused),
      distinctUntilChanged(),
    ),
    ensureOverlay,
    async refreshOverlay() {
      const session = requireSession();
      if (textInputName !== undefined) {
        throw new ObsError('obs_no_browser_source', 'OBS has no browser source to refresh: captions use a text source');
      }
      await refreshBrowserSource(session, sourceName);
    },
    async close() {
      playing = false;
      ducker.set(false);
      await ducker.settled();
      subscriptions.unsubscribe();
      await connection.stop();
      patch({ connected: false, streaming: false, currentScene: undefined });
      status$.complete();
    },
  };
}
