/**
 * Keeps one upstream vocabulary holding the hot words of the settings file: created once for
 * the target model (its id remembered in the data dir), updated in place when the words
 * change, re-created only when it is gone upstream or the model changed (the old one is then
 * deleted). New recognition tasks use its id while it holds exactly the current words;
 * otherwise they run without hot words: a failed sync is logged and reported, never blocks
 * recognition. Changes arriving during a call are coalesced (only the latest is applied);
 * a transient failure (network, throttling) is retried with backoff.
 */
import { type BackoffPolicy, backoffDelayMs } from '../../server/src/core/engine-kit/backoff.ts';
import type { Logger } from '../../server/src/core/logger.ts';
import type { HotWord, HotWordsStatus } from '../../server/src/core/recognizer.ts';
import { type VocabularyApi, VocabularyError } from './vocabulary-api.ts';
import { type VocabularyRecord, type VocabularyRecordFile, wordsDigest } from './vocabulary-record.ts';

export interface HotWordsSyncOptions {
  api: VocabularyApi;
  record: VocabularyRecordFile;
  targetModel: string;
  log: Logger;
  /** First retry after a transient failure; doubled each time up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

export class HotWordsSync {
  private saved: VocabularyRecord | undefined;
  private words: readonly HotWord[] = [];
  private state: HotWordsStatus['state'] = 'none';
  private error: string | undefined;
  /** The latest words not applied yet (coalesced). */
  private wanted: readonly HotWord[] | undefined;
  private running: Promise<void> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Transient failures since the last successful sync: the backoff's retry index. */
  private failuresInRow = 0;
  private readonly backoff: BackoffPolicy;
  private closed = false;

  constructor(private readonly options: HotWordsSyncOptions) {
    this.saved = options.record.load();
    this.backoff = { baseDelayMs: options.retryDelayMs, maxDelayMs: options.maxRetryDelayMs, multiplier: 2, jitterRatio: 0 };
  }

  /** The settings file's words (the current and every change). */
  update(words: readonly HotWord[]): void {
    if (this.closed) return;
    this.wanted = words;
    this.words = words;
    clearTimeout(this.retryTimer);
    this.running ??= this.drain();
  }

  /** The vocabulary a new task should use: only one that holds exactly the current words. */
  vocabularyId(): string | undefined {
    return this.state === 'ready' ? this.saved?.vocabularyId : undefined;
  }

  status(): HotWordsStatus {
    const vocabularyId = this.vocabularyId();
    return {
      source: 'file',
      words: this.words.length,
      state: this.state,
      ...(vocabularyId && { vocabularyId }),
      ...(this.error !== undefined && { error: this.error }),
    };
  }

  /** Resolves when no call is in flight (tests). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  private async drain(): Promise<void> {
    while (this.wanted && !this.closed) {
      const words = this.wanted;
      this.wanted = undefined;
      await this.apply(words);
    }
    this.running = undefined;
  }

  private async apply(words: readonly HotWord[]): Promise<void> {
    const { targetModel, log } = this.options;
    this.error = undefined;
    if (words.length === 0) {
      // Kept upstream for when words come back; tasks run without a vocabulary.
      this.state = 'none';
      return;
    }
    const digest = wordsDigest(words);
    const saved = this.saved?.targetModel === targetModel ? this.saved : undefined;
    if (saved?.wordsDigest === digest) {
      this.state = 'ready';
      return;
    }
    this.state = 'syncing';
    try {
      const vocabularyId = saved ? await this.replaceWords(saved.vocabularyId, words) : await this.createFor(words);
      this.saved = { vocabularyId, targetModel, wordsDigest: digest };
      this.options.record.save(this.saved);
      this.state = 'ready';
      this.failuresInRow = 0;
      log.info({ vocabularyId, words: words.length, targetModel }, 'hot words in use from the next recognition task');
    } catch (error) {
      this.fail(error);
    }
  }

  /** Updates the vocabulary; creates a new one when it is gone upstream (deleted in the console). */
  private async replaceWords(vocabularyId: string, words: readonly HotWord[]): Promise<string> {
    try {
      await this.options.api.update(vocabularyId, words);
      return vocabularyId;
    } catch (error) {
      if (!(error instanceof VocabularyError) || error.code !== 'vocabulary_not_found') throw error;
      this.options.log.warn({ vocabularyId }, 'the hot-word vocabulary is gone upstream: creating a new one');
      return this.options.api.create(this.options.targetModel, words);
    }
  }

  /** Creates a vocabulary; one made before for another model is deleted (best effort). */
  private async createFor(words: readonly HotWord[]): Promise<string> {
    const vocabularyId = await this.options.api.create(this.options.targetModel, words);
    const old = this.saved;
    if (old) {
      this.options.api.delete(old.vocabularyId).then(
        () => this.options.log.info({ vocabularyId: old.vocabularyId }, `deleted the vocabulary made for ${old.targetModel}`),
        (error: unknown) => this.options.log.warn({ vocabularyId: old.vocabularyId }, `cannot delete the vocabulary made for ${old.targetModel}: ${(error as Error).message}`),
      );
    }
    return vocabularyId;
  }

  private fail(error: unknown): void {
    const vocabularyError = error instanceof VocabularyError ? error : new VocabularyError('upstream_error', (error as Error).message, true);
    this.state = 'failed';
    this.error = `${vocabularyError.code}: ${vocabularyError.message}`;
    this.options.log.error({ code: vocabularyError.code }, `hot words not in use, recognition goes on without them: ${vocabularyError.message}`);
    if (!vocabularyError.retryable || this.closed) return;
    const delayMs = backoffDelayMs(this.failuresInRow++, this.backoff);
    this.retryTimer = setTimeout(() => this.update(this.words), delayMs);
    this.retryTimer.unref?.();
  }
}
