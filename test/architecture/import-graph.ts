/**
 * The import graph of a source tree, read with the TypeScript compiler's parser: every
 * `import … from`, `export … from`, `import x = require(…)`, `import(…)` and `require(…)`
 * in the .ts/.mts/.mjs files under the given folders, with whether it is type-only
 * (erased at build: it puts no code of the target in the bundle).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Importing file, relative to the root, with `/` separators. */
  from: string;
  /** 1-based line of the import. */
  line: number;
  /** The specifier as written. */
  specifier: string;
  /** Resolved file relative to the root (`/` separators) for a relative specifier; undefined for a package or built-in. */
  to?: string;
  typeOnly: boolean;
}

const SOURCE_FILE = /\.(?:ts|mts|mjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);

/** Source files under `dirs` (relative to `root`), relative to the root with `/` separators. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path);
      } else if (SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.mts') && !entry.name.endsWith('.d.ts')) {
        files.push(toPosix(relative(root, path)));
      }
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return files.sort();
}

/** Every import edge of `file` (relative to `root`). */
export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifierNode: ts.Expression | undefined, typeOnly: boolean): void => {
    if (!specifierNode || !ts.isStringLiteralLike(specifierNode)) return;
    const specifier = specifierNode.text;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const to = specifier.startsWith('.') ? toPosix(relative(root, resolve(root, dirname(file), specifier))) : undefined;
    edges.push({ from: file, line, specifier, typeOnly, ...(to === undefined ? {} : { to }) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, node.moduleSpecifier, isTypeOnlyImport(node));
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly || isTypeOnlyNamedExports(node));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && isImportOrRequire(node)) {
      add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The import graph of the source files under `dirs`. */
export function importGraph(root: string, dirs: readonly string[]): ImportEdge[] {
  return sourceFiles(root, dirs).flatMap((file) => importsOf(root, file));
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyNamedExports(node: ts.ExportDeclaration): boolean {
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

function isImportOrRequire(node: ts.CallExpression): boolean {
  return node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require');
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
