// The alerts screen: its commands (typed functions on ipc.ts's `call`, so every refusal is an
// IpcError), how urgent an alert is, the words for why an alert was not ordered, and the
// calendar day an alert must be ordered by.
import type { Alert, AlertKey, AlertPage, AlertQuery, DraftedOrders, DraftFromAlertsInput, SkipReason } from "./bindings";
import { call } from "./ipc";

/** Most urgent first; `total_alerts` counts every match, whatever `limit` and `offset`. */
export const lowStockAlerts = (query: AlertQuery) => call<AlertPage>("low_stock_alerts", { query });

/** One draft per supplier and warehouse from the selected alerts (or every matching one when
 * `selection` is left out); the alerts that could not be ordered come back with the reason. */
export const draftOrdersFromAlerts = (input: DraftFromAlertsInput) =>
  call<DraftedOrders>("draft_orders_from_alerts", { input });

/** One alert row: a product in a warehouse. */
export function alertKey(a: Pick<Alert, "product_id" | "warehouse_id">): string {
  return `${a.product_id}/${a.warehouse_id}`;
}

export function toKey(a: Alert): AlertKey {
  return { product_id: a.product_id, warehouse_id: a.warehouse_id };
}

/**
 * "critical": it runs out before an order placed today would arrive (or is out already);
 * "soon": it runs out within the lead time plus two weeks; "later" otherwise.
 */
export type Urgency = "critical" | "soon" | "later";

export function urgency(a: Alert): Urgency {
  const lead = a.supplier?.lead_time_days ?? 0;
  if (a.days_until_stockout <= lead) return "critical";
  if (a.days_until_stockout <= lead + 14) return "soon";
  return "later";
}

export const URGENCY_HINTS: Record<Urgency, string> = {
  critical: "Runs out before an order placed today would arrive",
  soon: "Runs out within the lead time plus two weeks",
  later: "Enough stock for a while at the recent pace",
};

export const SKIP_LABELS: Record<SkipReason, string> = {
  no_supplier: "No supplier",
  supplier_archived: "Supplier archived",
  covered_by_on_order: "Already on order",
  already_on_draft: "On a draft order",
  no_longer_alerting: "No longer low",
};

/** A `YYYY-MM-DD` day as the user's locale writes it (the year only when it is not within the
 * next months), without a time zone shifting it. */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const soon = Math.abs(d.getTime() - Date.now()) < 300 * 86_400_000;
  return d.toLocaleDateString(undefined, { year: soon ? undefined : "numeric", month: "short", day: "numeric" });
}

/** Whether a `YYYY-MM-DD` day (UTC, as the core computes it) is today or already past. */
export function dueNow(day: string): boolean {
  return day <= new Date().toISOString().slice(0, 10);
}
