// Bundles the relay (server + plugins) into server/dist/main.mjs for `npm start`: plain
// JavaScript at run time, no TypeScript loader in memory. npm packages stay external.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'server', 'dist');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, 'server/src/main.ts')],
  outfile: join(out, 'main.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// Paths the code resolves against its own module URL: the embedded engine's worker and the
// module it imports sit beside the bundle (the overlay's dist is at the same depth as from
// server/src).
for (const file of ['worker.mjs', 'espeak-data.mjs']) cpSync(join(root, 'plugin/tts-embedded', file), join(out, file));
