/** The relay's HTTP API as the panel calls it: the panel's bearer token, errors as `ApiError` from `{error:{code,message}}`. */
import { currentToken } from './connection.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `fetch` of an API path with the token; resolves with the response when it is 2xx, else throws ApiError. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const token = currentToken();
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers });
  if (res.ok) return res;
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new ApiError(res.status, body?.error?.code ?? String(res.status), body?.error?.message ?? res.statusText);
}
