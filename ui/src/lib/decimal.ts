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
