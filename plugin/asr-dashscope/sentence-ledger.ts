/**
 * Sentence ids and duplicates across tasks. A sentence keeps its id from its first partial to
 * its final, also when a rollover or a reconnect moves it to another task (the new task is
 * replayed its audio). A result that ends where an emitted final already ended is audio
 * recognized twice after a replay: a final is suppressed (counted), a partial ignored.
 */
import type { RecognitionResult, RecognizedTranslation, RecognizedWord } from '../../server/src/core/recognizer.ts';

/** One sentence result of one task, already on the session's clock. */
export interface SessionSentence {
  taskId: string;
  /** The upstream sentence id within the task, when the model sends one. */
  key: string | undefined;
  final: boolean;
  text: string;
  startMs: number;
  endMs: number;
  words: RecognizedWord[];
  translations: RecognizedTranslation[];
}

export class SentenceLedger {
  private open: { id: string; taskId: string; key: string | undefined } | undefined;
  private nextId = 1;
  private lastFinalEndMs = Number.NEGATIVE_INFINITY;
  private lastFinalText = '';

  constructor(private readonly toleranceMs: number) {}

  /** Whether a sentence is open (its audio must be kept for a replay). */
  get isOpen(): boolean {
    return this.open !== undefined;
  }

  accept(s: SessionSentence): RecognitionResult | 'duplicate' | undefined {
    const repeated = s.endMs <= this.lastFinalEndMs + this.toleranceMs || (s.text === this.lastFinalText && s.startMs < this.lastFinalEndMs);
    if (repeated) return s.final ? 'duplicate' : undefined;
    if (!s.text && !s.final) return undefined;
    // Another sentence id of the same task while one is open: that one ended without a final.
    if (this.open && this.open.taskId === s.taskId && s.key !== undefined && this.open.key !== undefined && this.open.key !== s.key) this.open = undefined;
    this.open ??= { id: `s${this.nextId++}`, taskId: s.taskId, key: s.key };
    this.open.taskId = s.taskId;
    this.open.key = s.key;
    const result: RecognitionResult = {
      kind: s.final ? 'final' : 'partial',
      sentenceId: this.open.id,
      text: s.text,
      startMs: s.startMs,
      endMs: s.endMs,
      words: s.words,
      translations: s.translations,
    };
    if (s.final) {
      this.open = undefined;
      this.lastFinalEndMs = Math.max(this.lastFinalEndMs, s.endMs);
      this.lastFinalText = s.text;
    }
    return result;
  }

  /** The current task was abandoned: its open sentence continues (same id) in the next one. */
  taskSwitched(): void {
    if (this.open) this.open.taskId = '';
  }
}
