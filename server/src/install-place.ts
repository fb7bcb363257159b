/**
 * Where this copy of cosy-relay runs from, and so where its data goes by default: `./data`
 * in a checkout (the sources are beside the bundle: `npm start`), the user's config dir in
 * an installed package (`npx cosy-relay`, `npm i -g cosy-relay`), which ships no sources.
 * Paths resolve against this module's URL: server/src and the bundle's server/dist sit at
 * the same depth under the package root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP_DIR_NAME = 'cosy-relay';
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface UserPlace {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
}

/** The per-user config dir: %APPDATA%\cosy-relay, ~/Library/Application Support/cosy-relay, $XDG_CONFIG_HOME/cosy-relay (~/.config). */
export function userDataDir({ platform, env, homeDir }: UserPlace): string {
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(homeDir, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return posix.join(homeDir, 'Library', 'Application Support', APP_DIR_NAME);
  return posix.join(env.XDG_CONFIG_HOME || posix.join(homeDir, '.config'), APP_DIR_NAME);
}

/** A checkout has the sources; the published package has only the bundles (package.json `files`). */
export function isCheckout(packageRoot = PACKAGE_ROOT): boolean {
  return existsSync(join(packageRoot, 'server', 'src'));
}

/** RELAY_DATA_DIR when none is given. */
export function defaultDataDir(): string {
  return isCheckout() ? './data' : userDataDir({ platform: process.platform, env: process.env, homeDir: homedir() });
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
