/** Types of espeak-data.mjs (plain JavaScript, imported by the synthesis worker). */

/** Where Emscripten's file packager puts eSpeak NG's data. */
export declare const ESPEAK_DATA_DIR: string;

/** What espeak-data.mjs uses of an Emscripten MEMFS node. */
export interface MemfsNode {
  mode: number;
  contents: Uint8Array | null;
  usedBytes: number;
  stream_ops: { open?(stream: unknown): void; close?(stream: unknown): void; [op: string]: unknown };
}

/** What espeak-data.mjs uses of Emscripten's FS. */
export interface EmscriptenFs {
  readdir(path: string): string[];
  lookupPath(path: string): { node: MemfsNode };
  isDir(mode: number): boolean;
  isFile(mode: number): boolean;
}

export interface OnDemandDataPackage {
  /** Settings for the Emscripten module factory. */
  moduleArg: { getPreloadedPackage(path: string, size: number): ArrayBuffer };
  /** Once the module is ready, before eSpeak is initialized: files load when opened. */
  readFilesOnOpen(FS: EmscriptenFs): void;
}

export declare function onDemandDataPackage(): OnDemandDataPackage;
