/**
 * One pino JSON line → one short line for a person at a terminal:
 * `14:02:07 WARN  cannot open a warm socket: … engine=cosyvoice url=wss://…`. pino's own
 * pretty transport (pino-pretty) is not a dependency of the relay; this is the little of it
 * the console needs. Fields every line carries (time, pid, hostname, app) are left out.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '31' };
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'app']);
/** A field value longer than this is cut (a line stays a line). */
const MAX_VALUE_CHARS = 200;

export function prettyLine(json: string, options: { color: boolean }): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const name = (LEVELS[level] ?? String(level)).padEnd(5);
  const time = typeof entry.time === 'number' ? clock(entry.time) : '';
  const fields = Object.entries(entry)
    .filter(([key, value]) => !OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  const text = [time, options.color ? `\x1b[${COLORS[level] ?? '0'}m${name}\x1b[0m` : name, String(entry.msg ?? ''), ...fields];
  return `${text.filter(Boolean).join(' ')}\n`;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function fieldValue(value: unknown): string {
  // An error serialized by pino: its message says enough on a console line.
  const shown =
    typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string'
      ? value.message
      : typeof value === 'string' && !/\s/u.test(value)
        ? value
        : JSON.stringify(value);
  return shown.length > MAX_VALUE_CHARS ? `${shown.slice(0, MAX_VALUE_CHARS)}…` : shown;
}
