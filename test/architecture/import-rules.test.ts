/** The dependency rules hold over the real tree, and the check does catch an import that breaks them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.ts';
import { findViolations, formatViolation, IMPORT_RULES, rulesTable } from './import-rules.ts';

const CHECKED_DIRS = ['server', 'plugin', 'overlay'];
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const brokenTree = fileURLToPath(new URL('./fixtures/broken-layers/', import.meta.url));

describe('import rules', () => {
  it('hold over the code base', () => {
    const edges = importGraph(repoRoot, CHECKED_DIRS);
    // The graph is really read: core, plugins and browser code all import something.
    expect(edges.filter((e) => e.from.startsWith('server/src/core/')).length).toBeGreaterThan(10);
    expect(edges.some((e) => e.from.startsWith('plugin/') && e.to?.startsWith('server/src/core/'))).toBe(true);
    expect(edges.some((e) => e.from.startsWith('overlay/src/') && e.to?.startsWith('server/src/core/') && !e.typeOnly)).toBe(true);
    expect(findViolations(edges).map(formatViolation)).toEqual([]);
  });

  it('report each forbidden import with its file, line and the rule it breaks', () => {
    const found = findViolations(importGraph(brokenTree, CHECKED_DIRS)).map((v) => `${v.file}:${v.line} ${v.specifier} ${v.rule}`);
    expect(found.sort()).toEqual(
      [
        'server/src/core/clock.ts:2 ../gateway/server.ts core-imports-only-core',
        'server/src/gateway/server.ts:2 ../queue/rows.ts gateway-imports-core-and-its-ports',
        'server/src/gateway/server.ts:3 ../../../plugin/redis/handoff.ts gateway-imports-core-and-its-ports',
        'server/src/gateway/server.ts:3 ../../../plugin/redis/handoff.ts only-the-composition-root-imports-plugins',
        'server/src/settings/style-settings.ts:2 ../../../overlay/src/lib/style.ts server-never-imports-browser-code',
        'plugin/redis/handoff.ts:2 ../../server/src/queue/rows.ts plugin-imports-only-core',
        'plugin/redis/handoff.ts:5 ../obs/sink.ts plugin-imports-only-core',
        'overlay/src/lib/style.ts:5 ../../../server/src/gateway/server.ts browser-imports-only-pure-core',
        'overlay/src/lib/style.ts:6 ../../../server/src/core/disk.ts browser-imports-only-pure-core',
        'overlay/src/lib/style.ts:7 node:path browser-imports-only-pure-core',
      ].sort(),
    );
  });

  it('say why in the report, and render as one table for the docs', () => {
    const [first] = findViolations(importGraph(brokenTree, ['server/src/core']));
    expect(first && formatViolation(first)).toBe(
      "server/src/core/clock.ts:2 imports '../gateway/server.ts': breaks core-imports-only-core (core/ imports nothing of the app (rxjs, ws, socket.io-parser and node built-ins only))",
    );
    const table = rulesTable();
    expect(table.split('\n')).toHaveLength(IMPORT_RULES.length + 2);
    expect(table).toContain('| plugin-imports-only-core | `plugin/` | `{own}`, `server/src/core/` | any |');
  });

  it('are the ones docs/architecture.md lists', () => {
    const docs = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
    const listed = /<!-- import-rules:begin[^\n]*-->\n([\s\S]*?)\n<!-- import-rules:end -->/.exec(docs)?.[1];
    expect(listed).toBe(rulesTable());
  });
});
