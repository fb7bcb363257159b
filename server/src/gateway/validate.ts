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

/** A JSON object body checked against `schema`; `example` shows the expected shape in the error. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, example: string): z.output<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('invalid_body', `body must be a JSON object like ${example}`);
  }
  return parseWith(schema, body, 'invalid_body', 'body');
}
