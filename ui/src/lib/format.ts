// Display helpers. Every screen writes numbers and money through these two formatters:
// `formatCount` for quantities, `formatMoney` for amounts, both in the locale of
// `numberLocale` (the computer's unless Settings says otherwise), money in the current
// company's currency with that currency's decimals.
import { numberLocale } from "./locale.svelte";
import { session } from "./session.svelte";

const cache = new Map<string, Intl.NumberFormat>();
function formatter(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

export function formatCount(n: number): string {
  return formatter(numberLocale.resolved, { maximumFractionDigits: 0 }).format(n);
}

/** "1–50 of 1,234" */
export function formatRange(offset: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return `0 of ${formatCount(total)}`;
  return `${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${formatCount(total)}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

/** Date and time, to the minute, in the user's locale. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** For narrow table cells: "Nov 22, 17:26" (24-hour); the year only when it is not this year. */
export function formatShortDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const thisYear = d.getFullYear() === new Date().getFullYear();
  return d.toLocaleString(undefined, {
    year: thisYear ? undefined : "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
}

/** How long ago, in words for a table cell: "just now", "5 min ago", "2 h ago", "3 days ago",
 * then the date. The exact time belongs in a tooltip (`formatDateTime`). */
export function formatAgo(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const minutes = Math.floor((now.getTime() - d.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return days === 1 ? "yesterday" : `${days} days ago`;
  return formatDate(iso);
}

/** The currency money is shown in: the current company's ISO code and its decimals. */
export function currentCurrency(): { code: string; decimals: number } {
  const c = session.company;
  return { code: c?.currency ?? "USD", decimals: c?.currency_decimals ?? 2 };
}

/** A decimal string rounded to `decimals` places, half away from zero, on the text (BigInt),
 * never through a float: `{ negative, whole, fraction }`. */
export function roundDecimal(value: string, decimals: number): { negative: boolean; whole: bigint; fraction: string } {
  const text = value.trim();
  const negative = text.startsWith("-");
  const [w = "0", f = ""] = text.replace(/^[-+]/, "").split(".");
  const digits = BigInt((w || "0") + f.padEnd(decimals, "0").slice(0, decimals));
  const roundUp = (f[decimals] ?? "0") >= "5";
  const scaled = digits + (roundUp ? 1n : 0n);
  const unit = 10n ** BigInt(decimals);
  const whole = scaled / unit;
  const fraction = decimals > 0 ? (scaled % unit).toString().padStart(decimals, "0") : "";
  return { negative: negative && scaled !== 0n, whole, fraction };
}

/** An amount (a decimal string from the core) in the current company's currency, with its ISO
 * code and its decimals, in the chosen locale: "USD 1,234.50", "1.234,50 EUR", "JPY 1,235".
 * The digits come from the text, never from a float; Intl only places the separators, the
 * sign and the code. `currency` overrides the company's (e.g. `{ code: "JPY", decimals: 0 }`). */
export function formatMoney(value: string, currency = currentCurrency()): string {
  const { code, decimals } = currency;
  const { negative, whole, fraction } = roundDecimal(value || "0", decimals);
  const f = formatter(numberLocale.resolved, {
    style: "currency",
    currency: code,
    currencyDisplay: "code",
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  // Format a stand-in with the same whole part and sign, then put the exact fraction in.
  const parts = f.formatToParts(negative ? -whole - (whole === 0n ? 1n : 0n) : whole);
  return parts
    .map((p) => {
      if (p.type === "fraction") return fraction;
      if (p.type === "integer" && negative && whole === 0n) return "0";
      return p.value;
    })
    .join("");
}

/** A percentage from the core as a decimal string ("36.0"), one decimal, in the chosen locale
 * ("36.0%", "36,0 %"). A ratio, not money: a float is exact enough to place one decimal. */
export function formatPercent(value: string): string {
  return formatter(numberLocale.resolved, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(Number(value) / 100);
}
