import { describe, expect, it } from 'vitest';
import { createConsoleLogger } from './console-logger.ts';
import { prettyLine } from './pretty-line.ts';

function capture(isTTY: boolean) {
  const lines: string[] = [];
  const out = { isTTY, write: (chunk: string | Uint8Array) => (lines.push(String(chunk)), true) };
  return { lines, log: createConsoleLogger({ level: 'info', out, noColor: true }) };
}

describe('the console logger', () => {
  it('writes short lines to a terminal: time, level, message, the fields that matter', () => {
    const { lines, log } = capture(true);
    log.child({ engine: 'cosyvoice' }).warn({ url: 'wss://dashscope.aliyuncs.com/api-ws/v1/inference', code: 'connect_failed' }, 'cannot open a warm socket');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d WARN  cannot open a warm socket engine=cosyvoice url=wss:\/\/dashscope\.aliyuncs\.com\/api-ws\/v1\/inference code=connect_failed\n$/u,
    );
    expect(lines[0]).not.toMatch(/[{}]|pid=|hostname=|app=/u);
  });

  it('writes JSON lines anywhere else (a file, a pipe, a log collector)', () => {
    const { lines, log } = capture(false);
    log.info({ engine: 'embedded' }, 'listening on http://127.0.0.1:8787');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, app: 'cosy-relay', engine: 'embedded', msg: 'listening on http://127.0.0.1:8787' });
  });

  it('shows an error by its message, quotes values with spaces, cuts long ones, colours the level', () => {
    const line = prettyLine(
      JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' }, note: 'two words', big: 'x'.repeat(500) }),
      { color: true },
    );
    expect(line).toContain('\x1b[31mERROR\x1b[0m failed err=boom note="two words" big=');
    expect(line).not.toContain('at x');
    expect(line.length).toBeLessThan(300);
    expect(prettyLine('not json', { color: false })).toBe('not json\n');
  });
});
