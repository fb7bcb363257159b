/** Typed reads of a running relay's HTTP API (queue, history, metrics), for integration tests. */
import type { HistoryEntry } from '../../server/src/core/history.ts';
import type { PanelQueueItem } from '../../server/src/core/protocol.ts';

interface Getter {
  get(path: string, token?: string | null): Promise<Response>;
}

/** GET /api/queue: active items first (playing, synthesizing, queued by priority), then recent finished ones; at most 200. */
export async function queueItems(relay: Getter): Promise<PanelQueueItem[]> {
  const res = await relay.get('/api/queue');
  if (res.status !== 200) throw new Error(`GET /api/queue → ${res.status}`);
  return ((await res.json()) as { items: PanelQueueItem[] }).items;
}

/** GET /api/history?format=json: finished readouts, oldest first (with paid, messageId, reason). */
export async function historyEntries(relay: Getter, limit = 10_000): Promise<HistoryEntry[]> {
  const res = await relay.get(`/api/history?format=json&limit=${limit}`);
  if (res.status !== 200) throw new Error(`GET /api/history → ${res.status}`);
  const body = (await res.json()) as HistoryEntry[] | { entries?: HistoryEntry[]; items?: HistoryEntry[] };
  return Array.isArray(body) ? body : (body.entries ?? body.items ?? []);
}

/**
 * The readout of one chat message: its history entry (by messageId), else the queue item
 * (active, or recently finished) whose text ends with the id: queue items carry no
 * messageId, so the tests end every message's text with its id.
 */
export async function readoutOfMessage(relay: Getter, messageId: string): Promise<HistoryEntry | PanelQueueItem | undefined> {
  const entry = (await historyEntries(relay)).find((e) => e.messageId === messageId);
  if (entry) return entry;
  return (await queueItems(relay)).find((i) => i.text.endsWith(messageId));
}

/** Every sample of a Prometheus metric in /metrics text, with its labels. */
export function metricSamples(metricsText: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/u.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/gu)) labels[pair[1]!] = pair[2]!;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of a metric's samples whose labels include `where`. */
export function metricSum(metricsText: string, name: string, where: Record<string, string> = {}): number {
  return metricSamples(metricsText, name)
    .filter((s) => Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

export async function metricsText(relay: Getter): Promise<string> {
  const res = await relay.get('/metrics');
  if (res.status !== 200) throw new Error(`GET /metrics → ${res.status}`);
  return res.text();
}
