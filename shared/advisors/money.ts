// Money is held as integer cents so sums are exact (0.1 + 0.2 is 30 cents, not 0.30000000000000004).

/**
 * Accounts above this are refused: every decimal with ≤ 2 places below 10^13 has ≤ 15 significant digits,
 * so the double JSON.parse produced prints back as exactly the digits that were sent, and totals of
 * many such accounts stay far below 2^53 cents.
 */
export const MAX_ACCOUNT_VALUE = 1e13;

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Cents of a JSON number with at most 2 decimals, or the reason it is not money. Reads the number's
 * shortest round-trip form (what `String` prints), so `0.1` is 10 cents and `1.005` is refused rather
 * than rounded.
 */
export const toCents = (value: number): { cents: number } | { error: string } => {
  if (!Number.isFinite(value)) return { error: 'must be a finite number' };
  if (value < 0) return { error: 'must not be negative' };
  if (value >= MAX_ACCOUNT_VALUE) return { error: `must be less than ${MAX_ACCOUNT_VALUE}` };
  const match = DECIMAL.exec(String(value));
  if (!match) return { error: 'must have at most 2 decimal places' };
  const [, units, fraction = ''] = match;
  return { cents: Number(units) * 100 + Number(fraction.padEnd(2, '0')) };
};

/** The JSON number for a count of cents: dividing an integer by 100 yields the double nearest the decimal. */
export const fromCents = (cents: number): number => cents / 100;

export const sumCents = (values: readonly number[]): number => values.reduce((sum, c) => sum + c, 0);
