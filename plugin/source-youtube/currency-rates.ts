/**
 * Super Chat amounts in the reference currency (US dollars), for one threshold across the
 * currencies viewers pay in. The rates are approximate (rounded, mid-2024 averages) and
 * built in: a threshold is a streamer's rough line ("about a dollar"), not an invoice. A
 * currency missing here cannot be compared: such a Super Chat is read (paid is never
 * silently dropped for want of a rate).
 */
export const REFERENCE_CURRENCY = 'USD';

/** US dollars per one unit of each ISO 4217 currency (approximate). */
export const USD_PER_UNIT: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  JPY: 0.0066,
  KRW: 0.00073,
  TWD: 0.031,
  HKD: 0.128,
  CNY: 0.138,
  SGD: 0.74,
  AUD: 0.66,
  NZD: 0.6,
  CAD: 0.73,
  MXN: 0.055,
  BRL: 0.18,
  ARS: 0.0011,
  CLP: 0.0011,
  COP: 0.00025,
  PEN: 0.27,
  INR: 0.012,
  IDR: 0.000062,
  PHP: 0.017,
  THB: 0.028,
  MYR: 0.21,
  VND: 0.00004,
  RUB: 0.011,
  UAH: 0.025,
  PLN: 0.25,
  CZK: 0.043,
  HUF: 0.0027,
  SEK: 0.095,
  NOK: 0.093,
  DKK: 0.145,
  CHF: 1.12,
  TRY: 0.031,
  ILS: 0.27,
  SAR: 0.27,
  AED: 0.27,
  ZAR: 0.054,
};

/** `amountMicros` of `currency` in US dollars, or undefined for a currency without a rate. */
export function toReferenceAmount(amountMicros: number, currency: string): number | undefined {
  const rate = USD_PER_UNIT[currency.toUpperCase()];
  return rate === undefined ? undefined : (amountMicros / 1_000_000) * rate;
}
