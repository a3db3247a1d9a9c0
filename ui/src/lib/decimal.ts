// Exact money arithmetic on decimal strings, for what the UI shows before the backend has the
// final word (line totals, the running total of a sale being recorded). Values are BigInt
// counts of 1/10,000 (the backend's precision: at most 4 decimal places); never a float.

const SCALE_DIGITS = 4;
const SCALE = 10n ** BigInt(SCALE_DIGITS);

/** Scaled value of a decimal string such as "19.99" or "-3"; `null` if it is not one
 * (letters, more than 4 decimals, a comma, an empty string). */
export function parseDecimal(text: string): bigint | null {
  const m = /^(-)?(\d+)(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) return null;
  const [, sign, whole, frac = ""] = m;
  const value = BigInt(whole) * SCALE + BigInt(frac.padEnd(SCALE_DIGITS, "0"));
  return sign ? -value : value;
}

/** Scaled value back to text with at least two decimals: 375000n -> "37.50", 12345n -> "1.2345". */
export function decimalToString(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / SCALE;
  let frac = (abs % SCALE).toString().padStart(SCALE_DIGITS, "0").replace(/0+$/, "");
  if (frac.length < 2) frac = frac.padEnd(2, "0");
  return `${negative && abs !== 0n ? "-" : ""}${whole}.${frac}`;
}

/** `price` times a whole quantity, as text; `null` when the price is not a decimal. */
export function lineTotal(price: string, quantity: number): string | null {
  const p = parseDecimal(price);
  if (p === null || !Number.isSafeInteger(quantity)) return null;
  return decimalToString(p * BigInt(quantity));
}

/** Sum of decimal strings; `null` if any of them is not a decimal. */
export function sumDecimals(values: readonly string[]): string | null {
  let total = 0n;
  for (const v of values) {
    const d = parseDecimal(v);
    if (d === null) return null;
    total += d;
  }
  return decimalToString(total);
}

/** Price minus cost and that as a percentage of the price (one decimal, half away from zero),
 * as the core computes it (`money::margin`); `null` when either is not a decimal. The percent
 * is `null` for a price of zero. */
export function marginOf(price: string, cost: string): { margin: string; percent: string | null } | null {
  const p = parseDecimal(price);
  const c = parseDecimal(cost);
  if (p === null || c === null) return null;
  const m = p - c;
  if (p === 0n) return { margin: decimalToString(m), percent: null };
  // Tenths of a percent, rounded half away from zero.
  const scaled = m * 2000n / p;
  const tenths = (scaled + (scaled >= 0n ? 1n : -1n)) / 2n;
  const abs = tenths < 0n ? -tenths : tenths;
  return {
    margin: decimalToString(m),
    percent: `${tenths < 0n ? "-" : ""}${abs / 10n}.${abs % 10n}`,
  };
}
