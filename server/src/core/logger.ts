/**
 * The logging interface every layer receives by injection (pino satisfies it). Log a
 * context object first, then the message: `log.warn({ id, code }, 'synthesis failed')`.
 * Never put tokens or keys in the context.
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that discards everything (tests that do not assert on logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
