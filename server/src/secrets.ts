/**
 * The API token and the overlay key: taken from config when given, otherwise generated
 * once and saved in the data dir (mode 0600) so URLs stay valid across restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './core/errors.ts';

export interface Secrets {
  token: string;
  overlayKey: string;
}

const FILE_NAME = 'secrets.json';

function readSaved(path: string): Partial<Secrets> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<Secrets>) : {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new StorageError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export function loadSecrets(dataDir: string, given: Partial<Secrets>): Secrets {
  const path = join(dataDir, FILE_NAME);
  const saved = readSaved(path);
  const generate = () => randomBytes(24).toString('base64url');
  const secrets: Secrets = {
    token: given.token ?? saved.token ?? generate(),
    overlayKey: given.overlayKey ?? saved.overlayKey ?? generate(),
  };
  if (secrets.token === secrets.overlayKey) throw new StorageError('RELAY_TOKEN and RELAY_OVERLAY_KEY must differ');
  const toSave = { token: saved.token ?? (given.token ? undefined : secrets.token), overlayKey: saved.overlayKey ?? (given.overlayKey ? undefined : secrets.overlayKey) };
  if (toSave.token !== saved.token || toSave.overlayKey !== saved.overlayKey) {
    try {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(path, JSON.stringify(toSave, null, 2), { mode: 0o600 });
    } catch (err) {
      throw new StorageError(`cannot save generated secrets in ${dataDir}: ${(err as Error).message}`, { cause: err });
    }
  }
  return secrets;
}
