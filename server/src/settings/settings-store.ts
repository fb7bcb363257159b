/**
 * A persisted, validated settings document (JSON in the data dir), changeable at run time.
 * Writes are atomic (temp file + rename) and validated by the section's zod schema before
 * they are applied; `value$` emits the current value and every change.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BehaviorSubject, type Observable } from 'rxjs';
import type { z } from 'zod';
import { StorageError, ValidationError } from '../core/errors.ts';

export class SettingsStore<S extends z.ZodType> {
  private readonly subject: BehaviorSubject<z.output<S>>;
  readonly value$: Observable<z.output<S>>;

  constructor(
    private readonly path: string,
    private readonly schema: S,
  ) {
    this.subject = new BehaviorSubject(this.load());
    this.value$ = this.subject.asObservable();
  }

  get value(): z.output<S> {
    return this.subject.value;
  }

  /** Replaces the settings with `input` (defaults fill what it leaves out); throws ValidationError on a bad value. */
  replace(input: unknown): z.output<S> {
    const parsed = this.schema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ValidationError('invalid_settings', `${issue.path.join('.') || 'settings'}: ${issue.message}`);
    }
    this.save(parsed.data);
    this.subject.next(parsed.data);
    return parsed.data;
  }

  private load(): z.output<S> {
    let raw: unknown = {};
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new StorageError(`cannot read settings ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    const parsed = this.schema.safeParse(raw);
    if (!parsed.success) {
      throw new StorageError(`settings file ${this.path} is invalid (${parsed.error.issues[0]?.message}); fix or delete it`);
    }
    return parsed.data;
  }

  private save(value: z.output<S>): void {
    const tmp = `${this.path}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(tmp, JSON.stringify(value, null, 2));
      renameSync(tmp, this.path);
    } catch (err) {
      throw new StorageError(`cannot save settings ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
