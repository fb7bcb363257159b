/**
 * Typed errors of the OBS integration and the obs-websocket v5 codes it acts on
 * (RequestStatus and WebSocketCloseCode from obs-websocket's protocol).
 */
import { RelayError } from '../../server/src/core/errors.ts';

/** requestStatus.code values the integration branches on. */
export const OBS_REQUEST_STATUS = {
  OutputNotRunning: 501,
  ResourceNotFound: 600,
  InvalidInputKind: 605,
} as const;

/** Close code obs-websocket uses when Identify carries a wrong or missing password. */
export const OBS_CLOSE_AUTH_FAILED = 4009;

export class ObsError extends RelayError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, 502, options);
  }
}

/** OBS refused the password (close code 4009). Retrying soon cannot help. */
export class ObsAuthError extends ObsError {
  constructor(hasPassword: boolean) {
    super(
      'obs_auth_failed',
      hasPassword
        ? 'OBS refused the password (close code 4009): check OBS_WEBSOCKET_PASSWORD against OBS → Tools → WebSocket Server Settings'
        : 'OBS requires a password (close code 4009): set OBS_WEBSOCKET_PASSWORD from OBS → Tools → WebSocket Server Settings',
    );
  }
}

/** A request answered with requestStatus.result false; `statusCode` is requestStatus.code. */
export class ObsRequestError extends ObsError {
  constructor(
    readonly requestType: string,
    readonly statusCode: number,
    comment: string,
  ) {
    super('obs_request_failed', `OBS ${requestType} failed with status ${statusCode}${comment ? `: ${comment}` : ''}`);
  }
}

export function isRequestStatus(error: unknown, statusCode: number): error is ObsRequestError {
  return error instanceof ObsRequestError && error.statusCode === statusCode;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
