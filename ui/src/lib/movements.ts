// How stock movements read on screen.
import type { Movement, MovementKind } from "./bindings";
import { formatCount } from "./format";

export const KIND_LABELS: Record<MovementKind, string> = {
  opening: "Opening",
  receipt: "Receipt",
  sale: "Sale",
  return: "Return",
  adjustment: "Adjustment",
  transfer_out: "Transfer out",
  transfer_in: "Transfer in",
  count: "Count",
};

export const KINDS = Object.keys(KIND_LABELS) as MovementKind[];

/** "+5", "−3"; a count is absolute: "= 12". */
export function formatMovementQuantity(m: Pick<Movement, "kind" | "quantity">): string {
  if (m.kind === "count") return `= ${formatCount(m.quantity)}`;
  if (m.quantity > 0) return `+${formatCount(m.quantity)}`;
  if (m.quantity < 0) return `−${formatCount(-m.quantity)}`;
  return "0";
}

/** "Damaged" for "damaged": reasons are stored as typed, shown with a capital. */
export function reasonLabel(reason: string): string {
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}
