/**
 * A chat source plugin against its local fake server, for the plugin's own tests: a fresh
 * fake before each test; after it, the source stopped and the fake closed.
 */
import { afterEach, beforeEach } from 'vitest';
import { silentLogger, type Logger } from '../../server/src/core/logger.ts';
import type { CaptionSource } from '../../server/src/core/source.ts';

/** Reconnects within tens of ms, so reconnect tests stay short. */
export const FAST_BACKOFF = { baseDelayMs: 10, maxDelayMs: 50, jitterRatio: 0 };

/** What every source's factory takes from the harness. */
export interface HarnessSourceOptions {
  url: string;
  backoff: typeof FAST_BACKOFF;
  logger: Logger;
}

export interface SourceAgainstFake<Fake, Options> {
  /** The running fake; a test may close it and put another in its place. */
  fake: Fake;
  /** The source the last start() made. */
  readonly source: CaptionSource;
  /** Makes the source (pointed at the fake, fast backoff, silent logger) with `options`, and starts it. */
  start(options?: Partial<Options>): CaptionSource;
}

export function sourceAgainstFake<Fake extends { url: string; close(): Promise<void> }, Options>(
  startFake: () => Promise<Fake>,
  createSource: (options: HarnessSourceOptions & Partial<Options>) => CaptionSource,
): SourceAgainstFake<Fake, Options> {
  let source: CaptionSource | undefined;
  const harness = {
    fake: undefined as unknown as Fake,
    get source(): CaptionSource {
      if (!source) throw new Error('start() the source first');
      return source;
    },
    start(options: Partial<Options> = {}): CaptionSource {
      source = createSource({ url: harness.fake.url, backoff: FAST_BACKOFF, logger: silentLogger, ...options });
      source.start();
      return source;
    },
  };
  beforeEach(async () => {
    harness.fake = await startFake();
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await harness.fake.close();
  });
  return harness;
}
