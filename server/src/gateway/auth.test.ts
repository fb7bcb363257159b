import { describe, expect, it } from 'vitest';
import { bearerToken, secretMatches } from './auth.ts';

describe('auth', () => {
  it('matches only the exact secret, whatever the length of the guess', () => {
    expect(secretMatches('s3cret-token-value', 's3cret-token-value')).toBe(true);
    expect(secretMatches('s3cret-token-valuE', 's3cret-token-value')).toBe(false);
    expect(secretMatches('s3cret', 's3cret-token-value')).toBe(false);
    expect(secretMatches('', 's3cret-token-value')).toBe(false);
    expect(secretMatches(undefined, 's3cret-token-value')).toBe(false);
    expect(secretMatches({ toString: () => 's3cret-token-value' }, 's3cret-token-value')).toBe(false);
  });

  it('reads a bearer token from the Authorization header', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
