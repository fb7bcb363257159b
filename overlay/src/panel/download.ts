/** History downloads: GET /api/history?format=… with the panel's bearer token, saved from a Blob. */
import { apiFetch } from './api.ts';

export type HistoryFormat = 'srt' | 'vtt' | 'json';

export async function downloadHistory(format: HistoryFormat): Promise<void> {
  const res = await apiFetch(`/api/history?format=${format}`);
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
