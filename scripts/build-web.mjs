// Bundles the browser pages (overlay, panel) with every library they use: no CDN at run time.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'overlay', 'dist');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: {
    overlay: join(root, 'overlay/src/overlay/main.ts'),
    panel: join(root, 'overlay/src/panel/main.ts'),
  },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: 'chrome100',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});
for (const page of ['overlay', 'panel']) {
  cpSync(join(root, `overlay/src/${page}/index.html`), join(out, `${page}.html`));
  cpSync(join(root, `overlay/src/${page}/style.css`), join(out, `${page}.css`));
}
