/** Typed errors. Every error the relay raises on purpose has a stable `code`. */

export class RelayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 500,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from a client: HTTP 400 unless a more specific status is given. */
export class ValidationError extends RelayError {
  constructor(code: string, message: string, httpStatus = 400) {
    super(code, message, httpStatus);
  }
}

export class AuthError extends RelayError {
  constructor(message = 'missing or invalid token') {
    super('unauthorized', message, 401);
  }
}

export class QueueFullError extends RelayError {
  constructor(readonly retryAfterS: number, message = 'queue is full, try again later') {
    super('queue_full', message, 429);
  }
}

export class NotFoundError extends RelayError {
  constructor(message: string) {
    super('not_found', message, 404);
  }
}

export class ConfigError extends RelayError {
  constructor(message: string) {
    super('config_invalid', message, 500);
  }
}

/** The relay cannot listen on its address (the port is taken, or not ours to take). */
export class ListenError extends RelayError {
  constructor(cause: SystemError, host: string, port: number) {
    super(cause.code === 'EADDRINUSE' ? 'port_in_use' : 'listen_failed', listenMessage(cause, host, port), 500, { cause });
  }
}

/** What Node's socket errors carry (errno code such as EADDRINUSE). */
type SystemError = Error & { code?: string };

function listenMessage(cause: SystemError, host: string, port: number): string {
  const choose = `choose another port: RELAY_PORT=${port === 0 ? 8788 : port + 1} (or the flag --relay-port ${port === 0 ? 8788 : port + 1})`;
  if (cause.code === 'EADDRINUSE') {
    return `port ${port} on ${host} is already in use, probably by another cosy-relay that is still running (check your other terminals), or by another program. Stop it, or ${choose}.`;
  }
  if (cause.code === 'EACCES') return `not allowed to listen on port ${port} on ${host} (ports below 1024 need administrator rights): ${choose}.`;
  if (cause.code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine: set RELAY_HOST to one that is (127.0.0.1, or 0.0.0.0 for every interface).`;
  return `cannot listen on ${host}:${port}: ${cause.message}`;
}

/** A TTS engine failed. `retryable` tells the caller whether another try may succeed. */
export class EngineError extends RelayError {
  constructor(
    code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, 503, options);
  }
}

/** The persistent store could not be written (disk full, read-only data dir, ...). */
export class StorageError extends RelayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage_unavailable', message, 503, options);
  }
}
