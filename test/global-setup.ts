/**
 * Runs once before the suite: installs the Debian packages the real-component tests need
 * when they are missing (scripts/system-deps.sh; fresh machines and CI run as root), and
 * builds what the tests run: the browser pages and the relay bundle `npm start` uses.
 * Failing to install or build is a hard error: no test may silently skip.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const scripts = join(import.meta.dirname, '..', 'scripts');

export default function setup(): void {
  execFileSync('bash', [join(scripts, 'system-deps.sh')], { stdio: 'inherit' });
  for (const build of ['build-web.mjs', 'build-server.mjs']) execFileSync(process.execPath, [join(scripts, build)], { stdio: 'inherit' });
}
