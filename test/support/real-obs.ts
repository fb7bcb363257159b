/**
 * Starts a real OBS Studio (Debian's obs-studio, with its built-in obs-websocket) headless
 * for tests, and always cleans it up.
 *
 * How: OBS runs under Xvfb (xvfb-run) with a fresh HOME whose config enables the websocket
 * server with a password, inside a private network namespace, because obs-websocket listens
 * on every interface. A veth pair links the namespace to this process on a private /30
 * (10.231.x.y, no forwarding), so tests connect to `url` directly and nothing else can.
 * Needs root (CAP_NET_ADMIN) and the packages from scripts/system-deps.sh.
 *
 * Cleanup: stop() kills OBS's whole process group and whatever else runs in the namespace,
 * then removes the namespace, the veth pair and HOME. A process 'exit' hook does the same,
 * and namespaces left by a killed test run (their owner pid is gone) are removed at start.
 */
import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NETNS_PREFIX = 'cosyobs-';
const REQUIRED_BINARIES = ['/usr/bin/obs', '/usr/bin/xvfb-run', '/usr/bin/xauth'];

export interface RealObs {
  /** ws:// address of OBS's websocket server, reachable from this process. */
  url: string;
  password: string;
  /** The last lines of OBS's output, for failure messages. */
  logTail(lines?: number): string;
  /**
   * Starts `command` inside OBS's network namespace (e.g. an RTMP receiver OBS streams to at
   * 127.0.0.1); stop() kills it with everything else there.
   */
  spawnBeside(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  stop(): Promise<void>;
}

export interface RealObsOptions {
  password: string;
  port?: number;
  startupTimeoutMs?: number;
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const quietly = (action: () => unknown): void => {
  try {
    action();
  } catch {
    // already gone
  }
};

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** OBS's HOME for the namespace `name`. */
const homeOf = (name: string): string => join(tmpdir(), name);

/**
 * Kills every process in the namespace, deletes it (its veth end, and so the pair, goes with
 * it once those processes are gone) and removes its HOME.
 */
function removeNamespace(name: string): void {
  quietly(() => {
    for (const pid of ip('netns', 'pids', name).split(/\s+/u).filter(Boolean)) quietly(() => process.kill(Number(pid), 'SIGKILL'));
  });
  quietly(() => ip('netns', 'del', name));
  rmSync(homeOf(name), { recursive: true, force: true });
}

function removeStaleNamespaces(): void {
  const names = ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(NETNS_PREFIX));
  for (const name of names) {
    const ownerPid = Number(name.slice(NETNS_PREFIX.length).split('-')[0]);
    if (!pidAlive(ownerPid)) removeNamespace(name);
  }
}

function checkPrerequisites(): void {
  if (process.getuid?.() !== 0) throw new Error('real-OBS tests need root (network namespaces); run them as root, e.g. via .ci/run');
  const missing = REQUIRED_BINARIES.filter((bin) => !existsSync(bin));
  if (missing.length > 0) throw new Error(`real-OBS tests need ${missing.join(', ')}: run scripts/system-deps.sh`);
}

/** obs-websocket ≤ 5.4 (OBS ≤ 30) reads global.ini; 5.5+ reads plugin_config/obs-websocket/config.json. */
function writeObsConfig(home: string, port: number, password: string): void {
  const obsDir = join(home, '.config', 'obs-studio');
  mkdirSync(join(obsDir, 'plugin_config', 'obs-websocket'), { recursive: true });
  writeFileSync(
    join(obsDir, 'global.ini'),
    [
      '[General]',
      'FirstRun=true', // no auto-configuration wizard
      'EnableAutoUpdates=false',
      '',
      '[OBSWebSocket]',
      'FirstLoad=false',
      'ServerEnabled=true',
      `ServerPort=${port}`,
      'AlertsEnabled=false',
      'AuthRequired=true',
      `ServerPassword=${password}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(obsDir, 'plugin_config', 'obs-websocket', 'config.json'),
    JSON.stringify({ first_load: false, server_enabled: true, server_port: port, alerts_enabled: false, auth_required: true, server_password: password }),
  );
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(500, () => done(false));
  });
}

let startCount = 0;

export async function startRealObs(options: RealObsOptions): Promise<RealObs> {
  checkPrerequisites();
  removeStaleNamespaces();
  const port = options.port ?? 4455;
  const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
  const tag = randomBytes(3).toString('hex');
  const netns = `${NETNS_PREFIX}${process.pid}-${(startCount += 1)}`;
  const [vethHost, vethNs] = [`cob${tag}h`, `cob${tag}n`];
  const [octet3 = 0, block = 0] = randomBytes(2);
  const first = (block % 64) * 4; // a random /30: .first+1 here, .first+2 in the namespace
  const hostAddr = `10.231.${octet3}.${first + 1}`;
  const obsAddr = `10.231.${octet3}.${first + 2}`;
  const home = homeOf(netns);
  const logPath = join(home, 'obs.log');
  let child: ChildProcess | undefined;

  const cleanup = (): void => {
    if (child?.pid !== undefined) quietly(() => process.kill(-child!.pid!, 'SIGKILL'));
    removeNamespace(netns);
    quietly(() => ip('link', 'del', vethHost));
  };
  const logTail = (lines = 40): string => {
    const text = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    return text.split('\n').slice(-lines).join('\n');
  };
  process.once('exit', cleanup);

  try {
    ip('netns', 'add', netns);
    ip('link', 'add', vethHost, 'type', 'veth', 'peer', 'name', vethNs);
    ip('link', 'set', vethNs, 'netns', netns);
    ip('addr', 'add', `${hostAddr}/30`, 'dev', vethHost);
    ip('link', 'set', vethHost, 'up');
    ip('-n', netns, 'addr', 'add', `${obsAddr}/30`, 'dev', vethNs);
    ip('-n', netns, 'link', 'set', vethNs, 'up');
    ip('-n', netns, 'link', 'set', 'lo', 'up');
    rmSync(home, { recursive: true, force: true });
    writeObsConfig(home, port, options.password);

    const log = openSync(logPath, 'a');
    child = spawn(
      'ip',
      ['netns', 'exec', netns, 'xvfb-run', '--auto-servernum', '--server-args=-screen 0 1280x720x24',
        'obs', '--minimize-to-tray', '--multi', '--disable-missing-files-check'],
      {
        detached: true, // its own process group: one kill reaches xvfb-run, Xvfb and OBS
        stdio: ['ignore', log, log],
        env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LIBGL_ALWAYS_SOFTWARE: '1' },
      },
    );
    closeSync(log);
    let exited = false;
    child.once('exit', () => (exited = true));

    const deadline = Date.now() + startupTimeoutMs;
    while (!(await canConnect(obsAddr, port))) {
      if (exited) throw new Error(`OBS exited during startup:\n${logTail()}`);
      if (Date.now() > deadline) throw new Error(`OBS websocket not listening within ${startupTimeoutMs} ms:\n${logTail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    cleanup();
    process.removeListener('exit', cleanup);
    throw error;
  }

  return {
    url: `ws://${obsAddr}:${port}`,
    password: options.password,
    logTail,
    spawnBeside: (command, args, spawnOptions = {}) => spawn('ip', ['netns', 'exec', netns, command, ...args], spawnOptions),
    async stop() {
      const running = child;
      if (running && running.exitCode === null && running.signalCode === null) {
        let timer: NodeJS.Timeout | undefined;
        const gone = new Promise((resolve) => running.once('exit', resolve));
        quietly(() => process.kill(-running.pid!, 'SIGKILL'));
        await Promise.race([gone, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
        clearTimeout(timer);
      }
      cleanup();
      process.removeListener('exit', cleanup);
    },
  };
}
