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
import type { OverlayEvent, PlaybackNotice } from '../../server/src/core/protocol.ts';
import type { BackoffPolicy } from '../../server/src/core/resilience/backoff.ts';
import { pacedCaptions } from './caption-pacer.ts';
import { createCaptionSink } from './caption-sink.ts';
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

export const DEFAULT_OBS_SOURCE_NAME = 'cosy-relay overlay';
export const DEFAULT_DUCK_DB = -12;

const READOUT_LIMITS = { endGraceMs: 5_000, maxReadoutMs: 5 * 60_000, maxTracked: 64, maxWords: 2_000 };

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
  /** What the overlays receive: cue word timings, utterance end (duration) and cancel. */
  overlayEvents$: Observable<OverlayEvent>;
  /** Playback acks from the overlay: captions and ducking follow them. */
  playback$: Observable<PlaybackNotice>;
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

export interface ObsIntegration {
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
  const captionSink = createCaptionSink({
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

  const readout$ = readoutEvents(options.overlayEvents$, options.playback$, { scheduler, ...READOUT_LIMITS }).pipe(share());
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
  subscriptions.add(
    anyPlaying(readout$).subscribe({
      next: (now) => {
        playing = now;
        ducker.set(now);
      },
      error: reportStreamError,
    }),
  );
  subscriptions.add(
    pacedCaptions(readout$, { scheduler, maxWords: READOUT_LIMITS.maxWords, maxTracked: READOUT_LIMITS.maxTracked }).subscribe({
      next: (update) => captionSink.show(update),
      error: reportStreamError,
    }),
  );

  return {
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
