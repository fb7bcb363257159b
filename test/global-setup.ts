/**
 * Runs once before the suite: installs the Debian packages the real-component tests need
 * when they are missing (scripts/system-deps.sh; fresh machines and CI run as root).
 * Failing to install is a hard error: browser tests must not silently skip.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  execFileSync('bash', [join(import.meta.dirname, '..', 'scripts', 'system-deps.sh')], { stdio: 'inherit' });
}
