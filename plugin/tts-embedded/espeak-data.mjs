// eSpeak NG's data package (espeak-ng.data: every language's dictionary, 24 MB) read from
// disk file by file when eSpeak opens a file, instead of held in the worker's memory for
// its whole life. eSpeak copies what it uses (phoneme tables, the dictionaries of the
// voices it has loaded) into its own heap, so only that stays resident. Plain JavaScript,
// like worker.mjs; types: espeak-data.d.mts. Relies on Emscripten's MEMFS file nodes
// (`contents`, `usedBytes`, `stream_ops`, whose open/close FS.open and FS.close call).
import { closeSync, openSync, readSync } from 'node:fs';

export const ESPEAK_DATA_DIR = '/usr/share/espeak-ng-data';

/** Reads `size` bytes at `offset` of the file at `path`. */
function readAt(path, offset, size) {
  const bytes = new Uint8Array(size);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, bytes, 0, size, offset);
    if (read !== size) throw new Error(`${path}: ${read} of ${size} bytes at ${offset}`);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** A file node that holds its bytes only while a stream has it open. */
function readOnOpen(node, packagePath) {
  const offset = node.contents.byteOffset;
  const size = node.usedBytes;
  let openStreams = 0;
  node.contents = null;
  node.stream_ops = {
    ...node.stream_ops,
    open() {
      if (openStreams++ === 0) node.contents = readAt(packagePath, offset, size);
    },
    close() {
      if (--openStreams === 0) node.contents = null;
    },
  };
}

/**
 * `moduleArg` goes to the Emscripten module factory; `readFilesOnOpen(FS)` runs once the
 * module is ready, before eSpeak is initialized.
 */
export function onDemandDataPackage() {
  let packagePath;
  const readFilesOnOpen = (FS, dir = ESPEAK_DATA_DIR) => {
    for (const name of FS.readdir(dir)) {
      if (name === '.' || name === '..') continue;
      const path = `${dir}/${name}`;
      const { node } = FS.lookupPath(path);
      if (FS.isDir(node.mode)) readFilesOnOpen(FS, path);
      else if (FS.isFile(node.mode)) readOnOpen(node, packagePath);
    }
  };
  return {
    moduleArg: {
      // The file packager asks for the package before reading it. A zero-filled buffer
      // (never written, so never resident) gives each file its place (offset, size) in it.
      getPreloadedPackage(path, size) {
        packagePath = path;
        return new ArrayBuffer(size);
      },
    },
    readFilesOnOpen: (FS) => {
      if (packagePath === undefined) throw new Error('the eSpeak NG module did not ask for its data package');
      readFilesOnOpen(FS);
    },
  };
}
