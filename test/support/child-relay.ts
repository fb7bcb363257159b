/**
 * Runs a real relay as a child process (`node … server/dist/main.mjs`), the way
 * `npm start` does, so tests can kill it (SIGKILL, SIGTERM) and restart it on the same
 * data dir. The URL comes from the `listening on http://HOST:PORT` line (RELAY_PORT=0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../../server/src/config.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The bundle `npm start` runs (built by vitest's global setup, as by `npm start`). */
const MAIN = join(REPO_ROOT, 'server/dist/main.mjs');
/** Node's flags exactly as `npm start` passes them (package.json's start script: `… node FLAGS server/dist/main.mjs`). */
export const NODE_FLAGS = nodeFlagsOfStartScript();
const LISTENING = /listening on (http:\/\/[^\s"]+)/;
/** The data dir line main.ts prints on start. */
const DATA_DIR_LINE = /\(RELAY_DATA_DIR\):\s+(\S.*)/;
/** Output kept for failure messages (the tail). */
const MAX_OUTPUT_CHARS = 64 * 1024;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildRelayOptions {
  /** Reuse a data dir (a restart); default: a fresh temporary one. */
  dataDir?: string;
  /** Extra settings (RELAY_MAX_QUEUED, RELAY_ACK_GRACE_MS, ...). */
  env?: Record<string, string>;
  token?: string;
  overlayKey?: string;
  /** How long to wait for the `listening on` line. Default 30 s. */
  startTimeoutMs?: number;
  /**
   * Run this executable (an installed `cosy-relay` command) in `cwd` instead of `node FLAGS
   * server/dist/main.mjs` in the repository; without `dataDir` it uses its default one (the printed one).
   */
  program?: { path: string; cwd: string };
  /** Node's flags instead of `npm start`'s (the bench compares V8 settings). */
  nodeFlags?: string[];
}

export interface ChildRelay {
  url: string;
  dataDir: string;
  token: string;
  overlayKey: string;
  pid: number;
  /** Settles once the process has exited (never rejects). */
  exited: Promise<ChildExit>;
  /** Whether the process is still running. */
  running(): boolean;
  /** stdout + stderr so far (the last 64 KiB). */
  output(): string;
  post(path: string, body: unknown): Promise<Response>;
  get(path: string): Promise<Response>;
  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`, then rejects). */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ChildExit>;
}

const children = new Set<ChildProcess>();
// A test that throws before its cleanup must not leave relays running behind the worker.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** The environment without any relay setting the test runner happens to carry. */
function cleanEnv(): NodeJS.ProcessEnv {
  const settings = new Set(Object.keys(configSchema.shape));
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !settings.has(key) && key !== 'NODE_OPTIONS'));
}

export function newSecret(): string {
  return randomBytes(16).toString('hex');
}

export async function startChildRelay(options: ChildRelayOptions = {}): Promise<ChildRelay> {
  const { program } = options;
  const givenDataDir = options.dataDir ?? (program ? undefined : mkdtempSync(join(tmpdir(), 'cosy-relay-child-')));
  const token = options.token ?? newSecret();
  const overlayKey = options.overlayKey ?? newSecret();
  const child = spawn(program?.path ?? process.execPath, program ? [] : [...(options.nodeFlags ?? NODE_FLAGS), MAIN], {
    cwd: program?.cwd ?? REPO_ROOT,
    env: {
      ...cleanEnv(),
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: '0',
      ...(givenDataDir === undefined ? {} : { RELAY_DATA_DIR: givenDataDir }),
      RELAY_TOKEN: token,
      RELAY_OVERLAY_KEY: overlayKey,
      RELAY_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);

  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  const exited = new Promise<ChildExit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolveExit({ code, signal });
    });
    child.once('error', (err) => {
      append(Buffer.from(`\n[spawn error] ${err.message}\n`));
      children.delete(child);
      resolveExit({ code: null, signal: null });
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = () => {
      const match = LISTENING.exec(output);
      // The data dir is printed with the URLs; wait for it when it is the program's own.
      if (match && (givenDataDir !== undefined || DATA_DIR_LINE.test(output))) {
        done();
        resolveUrl(match[1]!);
      }
    };
    const timer = setTimeout(() => {
      done();
      child.kill('SIGKILL');
      reject(new Error(`relay did not print "listening on" within ${startTimeoutMs} ms; output:\n${output}`));
    }, startTimeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((exit) => {
      done();
      reject(new Error(`relay exited before listening (${JSON.stringify(exit)}); output:\n${output}`));
    });
  });

  const dataDir = givenDataDir ?? DATA_DIR_LINE.exec(output)?.[1]?.trim();
  if (dataDir === undefined) throw new Error(`relay did not print its data dir; output:\n${output}`);
  const auth = { authorization: `Bearer ${token}` };
  return {
    url,
    dataDir,
    token,
    overlayKey,
    pid: child.pid!,
    exited,
    running: () => !hasExited,
    output: () => output,
    post: (path, body) =>
      fetch(url + path, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    get: (path) => fetch(url + path, { headers: auth }),
    async kill(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (hasExited) return exited;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
      const result = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (result !== 'timeout') return result;
      child.kill('SIGKILL');
      await exited;
      throw new Error(`relay did not exit within ${timeoutMs} ms of ${signal}; output:\n${output}`);
    },
  };
}

function nodeFlagsOfStartScript(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /\bnode((?: --[^\s]+)*) server\/dist\/main\.mjs/.exec(scripts.start);
  if (!match) throw new Error(`package.json's start script does not run server/dist/main.mjs with node: ${scripts.start}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
}
