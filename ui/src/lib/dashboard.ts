// The dashboard: one typed function per command, built on ipc.ts's `call` (so every refusal is
// an IpcError), and the background check for new alerts.
import type { Alert, ForecastQuery, StockoutForecast } from "./bindings";
import { call } from "./ipc";
import { auth } from "./auth.svelte";
import { session } from "./session.svelte";

/** Selling rows that run out within 7 / 14 / 30 days at their recent pace, whatever their threshold. */
export const stockoutForecast = (query: ForecastQuery) => call<StockoutForecast>("stockout_forecast", { query });

/** The alerts that are new since the last check; the app shows one desktop notification for them. */
export const checkAlertNotices = (companyId: string) => call<Alert[]>("check_alert_notices", { companyId });

/** How often the dashboard asks whether alerts appeared while the app is open. */
export const NOTICE_INTERVAL_MS = 5 * 60 * 1000;

let timer: ReturnType<typeof setInterval> | null = null;

/** Takes the new alerts of the company being worked in, if someone is signed in. */
async function checkCurrent() {
  const company = session.company;
  if (auth.state !== "signed_in" || !company) return;
  try {
    await checkAlertNotices(company.id);
  } catch (err) {
    // A background check: a failure here must not interrupt what the user is doing.
    console.warn("[alerts] checking for new alerts failed:", err);
  }
}

/** Checks for new alerts now and every few minutes from then on while the app stays open,
 * whichever screen is shown, for whichever company is current at the time. */
export function watchAlertNotices() {
  void checkCurrent();
  if (timer === null) timer = setInterval(() => void checkCurrent(), NOTICE_INTERVAL_MS);
}
