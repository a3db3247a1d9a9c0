// The locale numbers and money are written in: the computer's (navigator.language) unless
// Settings > Appearance picks another. Kept on this computer, like the theme.
const STORAGE_KEY = "stockflow.numberLocale";

/** Locales offered in Settings besides the computer's own. */
export const LOCALE_CHOICES: { value: string; label: string }[] = [
  { value: "en-US", label: "English (United States): 1,234.50" },
  { value: "en-GB", label: "English (United Kingdom): 1,234.50" },
  { value: "de-DE", label: "Deutsch: 1.234,50" },
  { value: "fr-FR", label: "Français: 1 234,50" },
  { value: "es-ES", label: "Español: 1234,50" },
  { value: "it-IT", label: "Italiano: 1.234,50" },
  { value: "nl-NL", label: "Nederlands: 1.234,50" },
  { value: "de-CH", label: "Deutsch (Schweiz): 1’234.50" },
  { value: "ja-JP", label: "日本語: 1,234.50" },
  { value: "hi-IN", label: "हिन्दी (India): 1,23,450" },
];

function stored(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? "";
  } catch {
    return "";
  }
}

function supported(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

function systemLocale(): string {
  const wanted = typeof navigator !== "undefined" ? navigator.language : "";
  if (wanted && supported(wanted)) return wanted;
  try {
    // Without its extensions: "en-US", not "en-US-u-va-posix".
    return new Intl.Locale(new Intl.NumberFormat().resolvedOptions().locale).baseName;
  } catch {
    return "en-US";
  }
}

class NumberLocale {
  /** "" follows the computer. */
  choice = $state(stored());
  /** The computer's language; one Intl cannot use (WebKit reports "C" under LANG=C) falls
   * back to the engine's default. */
  system = systemLocale();
  resolved = $derived(this.choice && supported(this.choice) ? this.choice : this.system);

  set(choice: string) {
    this.choice = choice;
    try {
      if (choice) localStorage.setItem(STORAGE_KEY, choice);
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage can be unavailable; the choice lasts until the app closes.
    }
  }
}

export const numberLocale = new NumberLocale();

const EURO = ["AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK"];
const REGION_CURRENCY: Record<string, string> = {
  ...Object.fromEntries(EURO.map((r) => [r, "EUR"])),
  US: "USD", GB: "GBP", JP: "JPY", CH: "CHF", CA: "CAD", AU: "AUD", NZ: "NZD", IN: "INR",
  SE: "SEK", NO: "NOK", DK: "DKK", PL: "PLN", CZ: "CZK", HU: "HUF", MX: "MXN", BR: "BRL",
  ZA: "ZAR", SG: "SGD", HK: "HKD", CN: "CNY", KR: "KRW",
};

/** The currency a new company is offered first: the one of the locale's country, else USD. */
export function likelyCurrency(): string {
  try {
    const region = new Intl.Locale(numberLocale.resolved).maximize().region ?? "";
    return REGION_CURRENCY[region] ?? "USD";
  } catch {
    return "USD";
  }
}
