/**
 * Install like a streamer: `npm pack` the package (bundles built by vitest's global setup,
 * as `prepack` builds them), install the tarball globally into a temporary prefix (as
 * `npm i -g cosy-relay`; better-sqlite3 compiles: a minute), run `cosy-relay` from another
 * folder, POST a caption and hear it in Chromium through the printed overlay URL.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayStats } from '../../overlay/src/overlay/main.ts';
import { startChildRelay, type ChildRelay } from '../support/child-relay.ts';
import { expectNoConsoleErrors, launchChromium, openPage, REPO_ROOT } from './browser.ts';

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 300_000;
const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: { start: string; prepack: string };
  dependencies: Record<string, string>;
};

/** The npm packages a built file imports (`from "x"`, `import("x")`, bare `import "x"`), node built-ins aside. */
function packagesImportedBy(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // A package name (scoped or not, maybe with a subpath): no relative path, no `node:` built-in.
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w./-]+)?)["']/g)];
  return specifiers.map(([, s]) => s!.split('/').slice(0, s!.startsWith('@') ? 2 : 1).join('/'));
}

let work: string;
let packedFiles: string[];
let command: string;
let relay: ChildRelay | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cosy-relay-install-'));
  // --ignore-scripts: the global setup built exactly what prepack builds; rebuilding here would
  // rewrite the bundles under the feet of the tests running beside this one.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed!.files.map((f) => f.path);
  const prefix = join(work, 'prefix');
  // The machine's npm cache is reused (HOME is kept); the registry supplies what it lacks.
  await run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(work, packed!.filename)], {
    cwd: work,
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  command = join(prefix, 'bin', 'cosy-relay');
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack → npm i -g → cosy-relay', () => {
  it('packs the launcher, the bundles and the built pages, and nothing of the checkout', () => {
    expect(Object.values(PACKAGE.bin)).toEqual(['server/bin/cosy-relay.mjs']);
    for (const file of ['server/bin/cosy-relay.mjs', 'server/dist/main.mjs', 'server/dist/worker.mjs', 'server/dist/espeak-data.mjs', 'overlay/dist/overlay.html', 'overlay/dist/overlay.js', 'overlay/dist/panel.html', 'overlay/dist/panel.js', 'package.json', 'README.md']) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.filter((f) => /^(test|data|node_modules|scripts|plugin|docs)\/|^server\/src\/|^overlay\/src\//.test(f))).toEqual([]);
    // Exactly what the shipped files import is a run-time dependency; the rest is for development.
    const imported = new Set(packedFiles.filter((f) => f.startsWith('server/') && f.endsWith('.mjs')).flatMap((f) => packagesImportedBy(join(REPO_ROOT, f))));
    expect([...imported].sort()).toEqual(Object.keys(PACKAGE.dependencies).sort());
    // What `npm pack` without --ignore-scripts builds first: the same two bundles.
    expect(PACKAGE.scripts.prepack).toMatch(/build:web.*build:server/);
  });

  it("runs with npm start's Node flags", () => {
    const launcher = readFileSync(join(REPO_ROOT, 'server/bin/cosy-relay.mjs'), 'utf8');
    const flags = /\bnode((?: --[^\s]+)+) server\/dist\/main\.mjs/.exec(PACKAGE.scripts.start)![1]!.trim().split(' ');
    expect(launcher).toContain(`const NODE_FLAGS = [${flags.map((f) => `'${f}'`).join(', ')}];`);
  });

  it('prints --help and --version without starting', async () => {
    const help = await run(command, ['--help'], { cwd: work });
    expect(help.stdout).toMatch(/^Usage: cosy-relay/);
    expect(help.stdout).toContain('--relay-port <value>   RELAY_PORT   (default: 8787)');
    const withXdg = await run(command, ['--help'], { cwd: work, env: { ...process.env, XDG_CONFIG_HOME: join(work, 'xdg') } });
    expect(withXdg.stdout).toContain(`RELAY_DATA_DIR   (default: ${join(work, 'xdg', 'cosy-relay')})`);
    expect((await run(command, ['--version'], { cwd: work })).stdout).toBe(`cosy-relay ${PACKAGE.version}\n`);
  });

  it('starts from another folder with its data in the config dir, and a caption is heard in Chromium', async () => {
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    relay = await startChildRelay({ program: { path: command, cwd: elsewhere }, env: { XDG_CONFIG_HOME: join(work, 'xdg') }, startTimeoutMs: 60_000 });
    expect(relay.dataDir).toBe(join(work, 'xdg', 'cosy-relay'));
    expect(existsSync(join(relay.dataDir, 'relay.db'))).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);

    const overlayUrl = /overlay[^\n]*?:\s+(http:\/\/\S+)/.exec(relay.output())![1]!;
    browser = await launchChromium();
    const { page, console: consoleLog } = await openPage(browser, `${overlayUrl}&debug=1`, { width: 1280, height: 720 });
    await page.waitForFunction(() => window.__overlayStats?.connected === true, undefined, { timeout: 15_000 });

    const res = await relay.post('/api/captions', { text: 'Installed with npm, heard in the overlay.', user: 'viewer' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const stateOf = async () => ((await (await relay!.get('/api/queue')).json()) as { items: { id: string; state: string }[] }).items.find((i) => i.id === id)?.state;
    await expect.poll(stateOf, { timeout: 20_000, interval: 50 }).toBe('played');
    const stats = await page.evaluate(() => window.__overlayStats as OverlayStats);
    expect(stats.acks.end).toBeGreaterThanOrEqual(1);
    expect(stats.maxPeakLevel).toBeGreaterThan(0.01); // real, non-silent audio came out of the Web Audio graph
    expectNoConsoleErrors(consoleLog);

    // SIGTERM to the command reaches the relay, which shuts down gracefully.
    expect(await relay.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
