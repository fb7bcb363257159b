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
