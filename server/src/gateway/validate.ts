/** Input checked against a zod schema; the first problem becomes a ValidationError naming the field. */
import type { z } from 'zod';
import { ValidationError } from '../core/errors.ts';

/** Throws ValidationError(`code`, "<field>: <problem>"); unknown fields give 'unknown_field'. `what` names the whole value. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, code: string, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.join('.') || what;
  throw new ValidationError(issue.code === 'unrecognized_keys' ? 'unknown_field' : code, `${where}: ${issue.message}`);
}
