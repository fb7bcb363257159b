/** A Logger that keeps every entry, for tests that assert what was (not) logged. */
import type { Logger } from '../../../server/src/core/logger.ts';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  context: object;
}

export function recordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const at =
    (level: LogEntry['level']) =>
    (objOrMsg: object | string, msg?: string): void => {
      entries.push(typeof objOrMsg === 'string' ? { level, msg: objOrMsg, context: {} } : { level, msg: msg ?? '', context: objOrMsg });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => recordingLogger(entries) };
}
