/**
 * Logs a repeating failure once: the first failure of a key is a warning, later ones are
 * silent until that key succeeds again (an unreachable input must not flood the log with
 * one line per caption or per readout).
 */
import type { Logger } from '../../server/src/core/logger.ts';
import { errorMessage } from './obs-errors.ts';

export interface QuietFailures {
  failed(key: string, error: unknown, message: string): void;
  succeeded(key: string): void;
}

export function quietFailures(logger: Logger): QuietFailures {
  const reported = new Set<string>();
  return {
    failed(key, error, message) {
      if (reported.has(key)) return;
      reported.add(key);
      logger.warn({ key, error: errorMessage(error) }, message);
    },
    succeeded(key) {
      reported.delete(key);
    },
  };
}
