/** Exponential backoff with jitter: the delay before a retry, in ms. */

export interface BackoffPolicy {
  /** Delay before the first backed-off retry (the seed's 1 s). */
  baseDelayMs: number;
  /** Cap on any single delay (the seed's 4 s). */
  maxDelayMs: number;
  /** Growth per retry (2 gives 1 s, 2 s, 4 s). */
  multiplier: number;
  /** ± fraction of the delay drawn at random, so callers that failed together retry apart. */
  jitterRatio: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 4000,
  multiplier: 2,
  jitterRatio: 0.2,
};

/** `retryIndex` 0 is the first backed-off retry. `random` returns [0, 1). */
export function backoffDelayMs(retryIndex: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const nominalMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.multiplier ** Math.max(0, retryIndex));
  const jitterMs = nominalMs * policy.jitterRatio * (2 * random() - 1);
  return Math.max(0, Math.round(nominalMs + jitterMs));
}
