/** Times and durations as the panel shows them. */

/** "2.4 s" under a minute, "3 min 05 s" above. */
export function formatDurationMs(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Wall-clock time of day (HH:MM:SS) of an epoch ms. */
export function formatClock(atMs: number): string {
  return new Date(atMs).toLocaleTimeString('en-GB', { hour12: false });
}

/** "12:03:04 · 5.2 s": when, and how long before `nowMs`. */
export function formatSince(atMs: number, nowMs: number): string {
  return `${formatClock(atMs)} · ${formatDurationMs(Math.max(0, nowMs - atMs))}`;
}

/** "3 h 20 min", "45 min": a long span, to the minute. */
export function formatHoursMinutes(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
