/**
 * The OBS integration as its tests drive it: a sink attached to a fake readout feed (cues, then playback acks),
 * logging into a recording logger, with no overlay created on start, no pause scenes and no
 * ducking and no caption delay unless a test asks for them. Shared by the fake-OBS and the real-OBS tests.
 */
import { createObsIntegration, type ObsIntegration, type ObsIntegrationOptions } from '../../plugin/obs/index.ts';
import { readoutFeed, type FakeReadoutFeed } from '../fakes/obs/readout-feed.ts';
import { recordingLogger, type LogEntry } from '../fakes/obs/recording-logger.ts';

export interface ObsUnderTest {
  obs: ObsIntegration;
  feed: FakeReadoutFeed;
  logs: LogEntry[];
}

export type ObsTestOptions = Pick<ObsIntegrationOptions, 'url' | 'password' | 'overlayUrl'> & Partial<ObsIntegrationOptions>;

export function obsUnderTest(options: ObsTestOptions): ObsUnderTest {
  const feed = readoutFeed();
  const logger = recordingLogger();
  const obs = createObsIntegration({
    ensureOnStart: false,
    pauseScenes: [],
    duckInputs: [],
    captionDelayMs: 0, // tests of the delay set it, or undefined to have it chosen from OBS
    logger,
    ...options,
  });
  obs.attach(feed);
  return { obs, feed, logs: logger.entries };
}

/** The warnings and errors among `logs`. */
export function warningsIn(logs: readonly LogEntry[]): LogEntry[] {
  return logs.filter((l) => l.level === 'warn' || l.level === 'error');
}
