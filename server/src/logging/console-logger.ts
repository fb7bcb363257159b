/**
 * The relay's logger: JSON lines (pino) on stdout, for files and log collectors; short
 * pretty lines when stdout is a terminal (a person reading it beside the start banner).
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { prettyLine } from './pretty-line.ts';

export interface ConsoleLoggerOptions {
  level: string;
  /** Where lines go (default: process.stdout). */
  out?: DestinationStream & { isTTY?: boolean };
  /** NO_COLOR (https://no-color.org): pretty lines without colour. */
  noColor?: boolean;
}

export function createConsoleLogger({ level, out = process.stdout, noColor = process.env.NO_COLOR !== undefined }: ConsoleLoggerOptions): PinoLogger {
  const options = { level, base: { app: 'cosy-relay' } };
  if (out.isTTY !== true) return pino(options, out);
  const color = !noColor;
  return pino(options, { write: (line: string) => out.write(prettyLine(line, { color })) });
}
