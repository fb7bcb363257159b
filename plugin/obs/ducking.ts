/**
 * Lowers chosen OBS inputs by `duckDb` while a readout plays and puts them back afterwards.
 * Each input's own level is read once (GetInputVolume) and kept until restored, so a
 * reconnect in the middle of a readout neither loses it nor mistakes the ducked level for it.
 */
import type { Logger } from '../../server/src/core/logger.ts';
import { latestWins } from './latest-wins.ts';
import type { ObsSession } from './obs-session.ts';
import { quietFailures } from './quiet-failures.ts';

/** OBS's volume slider floor. */
const OBS_MIN_VOLUME_DB = -100;

export interface DuckerOptions {
  inputs: readonly string[];
  /** Negative: -12 lowers by 12 dB. */
  duckDb: number;
  session(): ObsSession | undefined;
  logger: Logger;
}

export interface Ducker {
  /** Duck (true) or restore (false); converges to the latest wish, one OBS round at a time. */
  set(ducked: boolean): void;
  /** Resolves once the latest wish is applied (or could not be). */
  settled(): Promise<void>;
}

export function createDucker(options: DuckerOptions): Ducker {
  const originalDb = new Map<string, number>();
  const failures = quietFailures(options.logger);

  async function duck(session: ObsSession, inputName: string): Promise<void> {
    let original = originalDb.get(inputName);
    if (original === undefined) {
      const { inputVolumeDb } = await session.call('GetInputVolume', { inputName });
      if (!Number.isFinite(inputVolumeDb)) return; // already silent (-inf arrives as null)
      original = inputVolumeDb;
      originalDb.set(inputName, original);
    }
    await session.call('SetInputVolume', { inputName, inputVolumeDb: Math.max(OBS_MIN_VOLUME_DB, original + options.duckDb) });
  }

  async function restore(session: ObsSession, inputName: string): Promise<void> {
    const original = originalDb.get(inputName);
    if (original === undefined) return;
    await session.call('SetInputVolume', { inputName, inputVolumeDb: original });
    originalDb.delete(inputName);
  }

  const sender = latestWins<boolean>(async (ducked) => {
    const session = options.session();
    if (!session) return;
    for (const inputName of options.inputs) {
      const key = `${ducked ? 'duck' : 'restore'} ${inputName}`;
      try {
        await (ducked ? duck(session, inputName) : restore(session, inputName));
        failures.succeeded(key);
      } catch (error) {
        failures.failed(key, error, ducked ? 'obs ducking failed' : 'obs volume restore failed');
      }
    }
  });

  return {
    set: (ducked) => {
      if (options.inputs.length > 0) sender.push(ducked);
    },
    settled: () => sender.idle(),
  };
}
