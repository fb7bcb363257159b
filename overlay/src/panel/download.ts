/** History downloads: GET /api/history?format=… with the panel's bearer token, saved from a Blob. */
import { currentToken } from './connection.ts';

export type HistoryFormat = 'srt' | 'vtt' | 'json';

export class DownloadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export async function downloadHistory(format: HistoryFormat): Promise<void> {
  const token = currentToken();
  const res = await fetch(`/api/history?format=${format}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new DownloadError(res.status, `${body?.error?.message ?? res.statusText} (${body?.error?.code ?? res.status})`);
  }
  const url = URL.createObjectURL(await res.blob());
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const link = document.createElement('a');
  link.href = url;
  link.download = `cosy-relay-history-${stamp}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
