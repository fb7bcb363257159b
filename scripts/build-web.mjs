// Bundles the browser pages (overlay, panel, captioner) with every library they use, styles included
// (the panel's chart CSS comes from uPlot): no CDN at run time.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'overlay', 'dist');
const pages = ['overlay', 'panel', 'captioner'];
mkdirSync(out, { recursive: true });

const common = { outdir: out, bundle: true, target: 'chrome100', sourcemap: true, minify: true, logLevel: 'warning' };
await Promise.all([
  build({ ...common, format: 'esm', entryPoints: Object.fromEntries(pages.map((p) => [p, join(root, `overlay/src/${p}/main.ts`)])) }),
  build({ ...common, entryPoints: Object.fromEntries(pages.map((p) => [p, join(root, `overlay/src/${p}/style.css`)])) }),
  // An AudioWorklet module is loaded on its own (audioWorklet.addModule), not imported.
  build({ ...common, format: 'esm', entryPoints: { 'captioner-worklet': join(root, 'overlay/src/captioner/capture-worklet.ts') } }),
]);
for (const page of pages) cpSync(join(root, `overlay/src/${page}/index.html`), join(out, `${page}.html`));
