/**
 * The dependency rules of the code base (imports point inward), as one table, and the check
 * that finds every import breaking them. Paths are relative to the repository root; a rule
 * covers the files under `files` (minus `except`). What a covered file may import:
 * - app code (a relative import) only under a `may` prefix; `{own}` is the importer's own
 *   folder (plugin/<name>/); `typeOnly` prefixes may also be imported with `import type`
 *   (erased at build), `pure` prefixes also by value when the target is pure (no node
 *   built-in anywhere in what it imports by value). Without `may`, any app code but `mustNot`.
 * - packages per `packages`: 'any', or only those listed; 'node:*' stands for every node built-in.
 * Tests (`*.test.ts`, and test/, which is not checked) may import anything: like the
 * composition root, they wire real pieces together.
 */
import { isBuiltin } from 'node:module';
import type { ImportEdge } from './import-graph.ts';

export interface ImportRule {
  id: string;
  files: string;
  except?: readonly string[];
  may?: readonly string[];
  typeOnly?: readonly string[];
  pure?: readonly string[];
  mustNot?: readonly string[];
  packages: 'any' | readonly string[];
  why: string;
}

/** The composition root: the only server code that wires plugins in. */
export const COMPOSITION_ROOT = ['server/src/main.ts', 'server/src/start-relay.ts', 'server/src/engines.ts', 'server/src/recognizers.ts', 'server/src/sources.ts'];

export const IMPORT_RULES: readonly ImportRule[] = [
  {
    id: 'core-imports-only-core',
    files: 'server/src/core/',
    may: ['server/src/core/'],
    // ws: the transport of the kits every network plugin shares (websocket-source.ts);
    // socket.io-parser: the base of the wire format server and browser share (wire-format.ts).
    packages: ['rxjs', 'ws', 'socket.io-parser', 'node:*'],
    why: 'core/ imports nothing of the app (rxjs, ws, socket.io-parser and node built-ins only)',
  },
  {
    id: 'plugin-imports-only-core',
    files: 'plugin/',
    may: ['{own}', 'server/src/core/'],
    packages: 'any',
    why: 'a plugin imports server/src/core only, never queue, gateway or pipeline internals, never another plugin',
  },
  {
    id: 'browser-imports-only-pure-core',
    files: 'overlay/src/',
    may: ['overlay/src/'],
    typeOnly: ['server/src/core/'],
    pure: ['server/src/core/'],
    packages: ['socket.io-client', 'socket.io-parser', 'uplot'],
    why: 'browser code imports server code only from pure core modules (types, constants, validation with no node APIs)',
  },
  {
    id: 'gateway-imports-core-and-its-ports',
    files: 'server/src/gateway/',
    may: ['server/src/gateway/', 'server/src/core/'],
    packages: 'any',
    why: 'the gateway gets what it needs through its ports, never queue/, subtitles/, pipeline/ or moderation/ internals',
  },
  {
    id: 'pipeline-imports-only-core',
    files: 'server/src/pipeline/',
    may: ['server/src/pipeline/', 'server/src/core/'],
    packages: 'any',
    why: "pipeline/ imports core/, never plugin/ and never queue/ or gateway/ internals",
  },
  {
    id: 'queue-imports-only-core',
    files: 'server/src/queue/',
    may: ['server/src/queue/', 'server/src/core/'],
    packages: 'any',
    why: "queue/ imports core/, never plugin/ and never pipeline/ or gateway/ internals",
  },
  {
    id: 'server-never-imports-browser-code',
    files: 'server/',
    mustNot: ['overlay/'],
    packages: 'any',
    why: 'server code never imports browser code (shared rules live in a pure core module)',
  },
  {
    id: 'only-the-composition-root-imports-plugins',
    files: 'server/',
    except: COMPOSITION_ROOT,
    mustNot: ['plugin/'],
    packages: 'any',
    why: `only the composition root (${COMPOSITION_ROOT.join(', ')}) wires plugins in`,
  },
];

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
  why: string;
}

const TEST_FILE = /\.test\.ts$/;

/** Every import in `edges` that breaks one of `rules`. */
export function findViolations(edges: readonly ImportEdge[], rules: readonly ImportRule[] = IMPORT_RULES): Violation[] {
  const isPure = purity(edges);
  const violations: Violation[] = [];
  for (const edge of edges) {
    if (TEST_FILE.test(edge.from)) continue;
    for (const rule of rules) {
      if (!covers(rule, edge.from) || allows(rule, edge, isPure)) continue;
      violations.push({ file: edge.from, line: edge.line, specifier: edge.specifier, rule: rule.id, why: rule.why });
    }
  }
  return violations;
}

/** One line per violation: `file:line imports 'specifier': breaks rule (why)`. */
export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line} imports '${v.specifier}': breaks ${v.rule} (${v.why})`;
}

/** The rules as a Markdown table, for docs. */
export function rulesTable(rules: readonly ImportRule[] = IMPORT_RULES): string {
  const list = (xs: readonly string[] | undefined) => (xs && xs.length > 0 ? xs.map((x) => `\`${x}\``).join(', ') : '');
  const rows = rules.map((r) => {
    const app = r.may
      ? [list(r.may), r.typeOnly ? `type-only: ${list(r.typeOnly)}` : '', r.pure ? `pure modules: ${list(r.pure)}` : ''].filter(Boolean).join('; ')
      : `anything but ${list(r.mustNot)}`;
    const packages = r.packages === 'any' ? 'any' : list(r.packages);
    return `| ${r.id} | \`${r.files}\`${r.except ? ` except ${list(r.except)}` : ''} | ${app} | ${packages} |`;
  });
  return ['| rule | files | may import (app) | packages |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function covers(rule: ImportRule, file: string): boolean {
  return file.startsWith(rule.files) && !(rule.except ?? []).includes(file);
}

function allows(rule: ImportRule, edge: ImportEdge, isPure: (file: string) => boolean): boolean {
  if (edge.to === undefined) return packageAllowed(rule.packages, edge.specifier);
  const target = edge.to;
  if (rule.mustNot?.some((prefix) => target.startsWith(prefix))) return false;
  if (!rule.may) return true;
  const own = ownFolder(rule, edge.from);
  if (rule.may.some((prefix) => target.startsWith(prefix === '{own}' ? own : prefix))) return true;
  if (edge.typeOnly && rule.typeOnly?.some((prefix) => target.startsWith(prefix))) return true;
  return (rule.pure?.some((prefix) => target.startsWith(prefix)) ?? false) && isPure(target);
}

/** The folder right under the rule's prefix that holds `file` (plugin/redis/ for plugin/redis/x.ts). */
function ownFolder(rule: ImportRule, file: string): string {
  const rest = file.slice(rule.files.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? file : rule.files + rest.slice(0, slash + 1);
}

function packageAllowed(packages: ImportRule['packages'], specifier: string): boolean {
  if (packages === 'any') return true;
  if (isBuiltin(specifier)) return packages.includes('node:*');
  return packages.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

/** Whether a file imports, by value and anywhere down its value imports, no node built-in. */
function purity(edges: readonly ImportEdge[]): (file: string) => boolean {
  const valueEdges = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    if (edge.typeOnly) continue;
    const list = valueEdges.get(edge.from) ?? [];
    list.push(edge);
    valueEdges.set(edge.from, list);
  }
  const known = new Map<string, boolean>();
  const isPure = (file: string): boolean => {
    const cached = known.get(file);
    if (cached !== undefined) return cached;
    known.set(file, true); // an import cycle adds nothing impure by itself
    const pure = (valueEdges.get(file) ?? []).every((e) => (e.to === undefined ? !isBuiltin(e.specifier) : isPure(e.to)));
    known.set(file, pure);
    return pure;
  };
  return isPure;
}
