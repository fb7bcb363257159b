/** The relay's pino output kept in memory (bounded), for tests that assert on what gets logged. */
import { pino } from 'pino';
import type { Logger } from '../../server/src/core/logger.ts';

export interface LogCapture {
  log: Logger;
  /** Lines written so far. */
  lineCount(): number;
  /** Lines that contained one of the watched strings (the first 20). */
  flaggedLines(): string[];
  /** The last lines (for failure messages). */
  tail(n?: number): string[];
}

/** Every line is checked against `watch` as it is written; only the last `keep` lines are stored. */
export function captureLogs(watch: () => readonly string[], keep = 500): LogCapture {
  const recent: string[] = [];
  const flagged: string[] = [];
  let lines = 0;
  const log = pino(
    { level: 'debug', base: { app: 'cosy-relay' } },
    {
      write(line: string) {
        lines += 1;
        const secrets = watch();
        if (flagged.length < 20 && secrets.some((s) => s !== '' && line.includes(s))) flagged.push(line);
        recent.push(line);
        if (recent.length > keep) recent.shift();
      },
    },
  );
  return {
    log,
    lineCount: () => lines,
    flaggedLines: () => [...flagged],
    tail: (n = 20) => recent.slice(-n),
  };
}
