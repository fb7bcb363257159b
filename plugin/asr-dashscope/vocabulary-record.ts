/**
 * The vocabulary this relay created upstream, remembered in the data dir
 * (asr-vocabulary-id.json): restarts update it instead of creating another one, so the
 * account's vocabulary quota is not leaked. Written atomically (temp file + rename).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../server/src/core/logger.ts';
import type { HotWord } from '../../server/src/core/recognizer.ts';

export interface VocabularyRecord {
  vocabularyId: string;
  /** The model it was created for (a vocabulary serves one model). */
  targetModel: string;
  /** `wordsDigest` of the words it holds. */
  wordsDigest: string;
}

/** A digest of the words as sent upstream (order, weight and language count). */
export function wordsDigest(words: readonly HotWord[]): string {
  return createHash('sha256').update(JSON.stringify(words.map((w) => [w.text, w.weight, w.lang ?? '']))).digest('hex');
}

export class VocabularyRecordFile {
  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  /** The saved record; undefined when there is none or it cannot be read (said in the log). */
  load(): VocabularyRecord | undefined {
    let raw: string;
    try {
      raw = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ path: this.path }, `cannot read the vocabulary record: ${(error as Error).message}`);
      return undefined;
    }
    try {
      const r = JSON.parse(raw) as Partial<VocabularyRecord>;
      if (typeof r.vocabularyId === 'string' && typeof r.targetModel === 'string' && typeof r.wordsDigest === 'string') {
        return { vocabularyId: r.vocabularyId, targetModel: r.targetModel, wordsDigest: r.wordsDigest };
      }
    } catch {
      // reported below
    }
    this.log.warn({ path: this.path }, 'the vocabulary record is not valid JSON of a vocabulary: a new vocabulary will be created (delete the old one in the DashScope console)');
    return undefined;
  }

  /** Saves the record; false (and an error in the log) when it cannot be written. */
  save(record: VocabularyRecord): boolean {
    const tmp = `${this.path}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(tmp, JSON.stringify(record, null, 2));
      renameSync(tmp, this.path);
      return true;
    } catch (error) {
      this.log.error({ path: this.path, vocabularyId: record.vocabularyId }, `cannot save the vocabulary record (${(error as Error).message}): the next start creates another vocabulary`);
      return false;
    }
  }
}
