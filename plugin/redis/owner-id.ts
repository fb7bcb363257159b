/**
 * This process's id as a queue owner (scale-out): generated once and kept in the data dir, so
 * a relay restarted on the same data dir is the same owner and finds what was taken over from it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../../server/src/core/errors.ts';

const FILE_NAME = 'owner-id';
const VALID = /^[0-9a-f-]{36}$/;

export function loadOwnerId(dataDir: string): string {
  const path = join(dataDir, FILE_NAME);
  try {
    const saved = readFileSync(path, 'utf8').trim();
    if (VALID.test(saved)) return saved;
    throw new StorageError(`${path} does not hold an owner id; delete it to get a new one`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof StorageError) throw err;
      throw new StorageError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  const id = randomUUID();
  try {
    writeFileSync(path, `${id}\n`, { flag: 'wx' });
  } catch (err) {
    throw new StorageError(`cannot save the owner id in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  return id;
}
