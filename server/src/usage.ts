/**
 * `cosy-relay --help`: every setting of the config schema with its flag, its default and its
 * one line of meaning (the schema's `.describe()`), so the help cannot drift from the schema.
 */
import { configSchema, type RawSettings } from './config.ts';

/** `RELAY_PORT` → `--relay-port` (parseFlags reads it back). */
export function flagOf(setting: string): string {
  return `--${setting.toLowerCase().replaceAll('_', '-')}`;
}

/** The schema's default as it would be written, or '' for none. */
function writtenDefault(value: unknown): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** `defaults` are the caller's own defaults (as given to loadConfig), shown instead of the schema's. */
export function usage(defaults: RawSettings = {}): string {
  const settings = Object.entries(configSchema.shape).map(([name, schema]) => {
    const fallback = defaults[name] ?? writtenDefault(schema.safeParse(undefined).data);
    return `  ${flagOf(name)} <value>   ${name}${fallback ? `   (default: ${fallback})` : ''}\n      ${schema.description ?? ''}`;
  });
  return [
    'Usage: cosy-relay [--setting value ...] [--config settings.json]',
    '       cosy-relay --help | --version',
    '',
    'Every setting is an environment variable or a flag (--relay-port 9000 or --relay-port=9000)',
    'or a key of a JSON file given with --config. Environment > flags > file > default.',
    '',
    ...settings,
    '',
  ].join('\n');
}
