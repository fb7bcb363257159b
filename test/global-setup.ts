/**
 * Runs once before the suite: makes sure the Debian packages the real-component tests
 * need are present, installing what is missing (CI and fresh machines run as root).
 * Failing to install is a hard error: the browser tests must not silently skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const REQUIRED: { pkg: string; probe: string }[] = [{ pkg: 'chromium', probe: '/usr/bin/chromium' }];

export default function setup(): void {
  const missing = REQUIRED.filter((r) => !existsSync(r.probe)).map((r) => r.pkg);
  if (missing.length === 0) return;
  console.log(`[global-setup] installing missing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  for (const r of REQUIRED) {
    if (!existsSync(r.probe)) throw new Error(`[global-setup] ${r.pkg} installed but ${r.probe} is missing`);
  }
}
