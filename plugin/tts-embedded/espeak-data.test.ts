import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESPEAK_DATA_DIR, onDemandDataPackage, type EmscriptenFs, type MemfsNode } from './espeak-data.mjs';

const DIR_MODE = 0o040000;
const FILE_MODE = 0o100000;
const PACKAGE = Uint8Array.from({ length: 64 }, (_, i) => i);
/** Files as the packager lays them out: [path, start, end] in the package. */
const LAYOUT: [string, number, number][] = [
  [`${ESPEAK_DATA_DIR}/phontab`, 0, 10],
  [`${ESPEAK_DATA_DIR}/voices/mb/mb-en1`, 10, 40],
  [`${ESPEAK_DATA_DIR}/ru_dict`, 40, 64],
];
const SUBDIRS = [`${ESPEAK_DATA_DIR}/voices`, `${ESPEAK_DATA_DIR}/voices/mb`];

/** A package file on disk and the MEMFS tree the packager builds from it. */
function packagedFs(): { fs: EmscriptenFs; node(path: string): MemfsNode; readFilesOnOpen(fs: EmscriptenFs): void } {
  const packagePath = join(mkdtempSync(join(tmpdir(), 'espeak-data-')), 'espeak-ng.data');
  writeFileSync(packagePath, PACKAGE);
  const data = onDemandDataPackage();
  const bytes = new Uint8Array(data.moduleArg.getPreloadedPackage(packagePath, PACKAGE.length));
  const nodes = new Map<string, MemfsNode>(
    SUBDIRS.map((dir): [string, MemfsNode] => [dir, { mode: DIR_MODE, contents: null, usedBytes: 0, stream_ops: {} }]),
  );
  for (const [path, start, end] of LAYOUT) {
    nodes.set(path, { mode: FILE_MODE, contents: bytes.subarray(start, end), usedBytes: end - start, stream_ops: { read: 'memfs read' } });
  }
  const children = (dir: string) => [...nodes.keys()].filter((path) => path.slice(0, path.lastIndexOf('/')) === dir).map((path) => path.slice(dir.length + 1));
  const fs: EmscriptenFs = {
    readdir: (dir) => ['.', '..', ...children(dir)],
    lookupPath: (path) => ({ node: nodes.get(path)! }),
    isDir: (mode) => mode === DIR_MODE,
    isFile: (mode) => mode === FILE_MODE,
  };
  return { fs, node: (path) => nodes.get(path)!, readFilesOnOpen: data.readFilesOnOpen };
}

describe('eSpeak NG data read on demand', () => {
  it('holds no file in memory until it is opened, then the bytes at its place in the package', () => {
    const { fs, node, readFilesOnOpen } = packagedFs();
    readFilesOnOpen(fs);
    for (const [path, start, end] of LAYOUT) {
      const file = node(path);
      expect(file.contents).toBeNull();
      expect(file.usedBytes).toBe(end - start);
      expect(file.stream_ops.read).toBe('memfs read');
      file.stream_ops.open!(undefined);
      expect(file.contents).toEqual(PACKAGE.subarray(start, end));
    }
  });

  it('drops a file when its last stream closes', () => {
    const { fs, node, readFilesOnOpen } = packagedFs();
    readFilesOnOpen(fs);
    const dict = node(`${ESPEAK_DATA_DIR}/ru_dict`);
    dict.stream_ops.open!(undefined);
    dict.stream_ops.open!(undefined);
    dict.stream_ops.close!(undefined);
    expect(dict.contents).toEqual(PACKAGE.subarray(40, 64));
    dict.stream_ops.close!(undefined);
    expect(dict.contents).toBeNull();
  });

  it('refuses to run before the module asked for its package', () => {
    expect(() => onDemandDataPackage().readFilesOnOpen(packagedFs().fs)).toThrow(/did not ask for its data package/);
  });
});
