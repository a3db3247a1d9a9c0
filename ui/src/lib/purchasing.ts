// Suppliers, what they supply and purchase orders: one typed function per command, built on
// ipc.ts's `call` (so every refusal is an IpcError), plus the small helpers the screens share.
import type {
  OnOrder,
  ProductSupplier,
  ProductSupplierInput,
  PurchaseOrder,
  PurchaseOrderInput,
  PurchaseOrderPage,
  PurchaseOrderQuery,
  PurchaseOrderStatus,
  ReceiveOrderInput,
  Supplier,
  SupplierInput,
} from "./bindings";
import { call, IpcError } from "./ipc";
import { formatCount } from "./format";

// ----- commands (argument names camelCase; payload fields snake_case) -----

export const listSuppliers = (companyId: string, includeArchived: boolean) =>
  call<Supplier[]>("list_suppliers", { companyId, includeArchived });
export const getSupplier = (id: string) => call<Supplier>("get_supplier", { id });
export const createSupplier = (companyId: string, input: SupplierInput) =>
  call<Supplier>("create_supplier", { companyId, input });
export const updateSupplier = (id: string, input: SupplierInput) =>
  call<Supplier>("update_supplier", { id, input });
export const setSupplierArchived = (id: string, archived: boolean) =>
  call<Supplier>("set_supplier_archived", { id, archived });

/** Creates or replaces the link; `preferred` unmarks the product's other preferred supplier. */
export const linkSupplier = (productId: string, supplierId: string, input: ProductSupplierInput) =>
  call<ProductSupplier>("link_supplier", { productId, supplierId, input });
/** The supplier no longer supplies the product (a preferred one leaves it without one). */
export const unlinkSupplier = (productId: string, supplierId: string) =>
  call<null>("unlink_supplier", { productId, supplierId });
/** Preferred first, then lead time, cost, name. */
export const productSuppliers = (productId: string) =>
  call<ProductSupplier[]>("product_suppliers", { productId });
/** By SKU. */
export const supplierProducts = (supplierId: string) =>
  call<ProductSupplier[]>("supplier_products", { supplierId });

/** A draft. `confirmation_required` (field `lines`) for a product the supplier does not supply yet. */
export const createPurchaseOrder = (companyId: string, input: PurchaseOrderInput) =>
  call<PurchaseOrder>("create_purchase_order", { companyId, input });
/** A draft changed: warehouse, note, lines (a line's blank cost keeps what it had). */
export const updatePurchaseOrder = (id: string, input: PurchaseOrderInput) =>
  call<PurchaseOrder>("update_purchase_order", { id, input });
export const sendPurchaseOrder = (id: string) => call<PurchaseOrder>("send_purchase_order", { id });
/** `confirmation_required` (field `quantity`) when receiving more than is open. */
export const receivePurchaseOrder = (id: string, input: ReceiveOrderInput) =>
  call<PurchaseOrder>("receive_purchase_order", { id, input });
export const cancelPurchaseOrder = (id: string) => call<PurchaseOrder>("cancel_purchase_order", { id });
export const getPurchaseOrder = (id: string) => call<PurchaseOrder>("get_purchase_order", { id });
/** Newest first. */
export const listPurchaseOrders = (query: PurchaseOrderQuery) =>
  call<PurchaseOrderPage>("list_purchase_orders", { query });
/** Units on sent or partly received orders, per product and warehouse. */
export const onOrder = (companyId: string, productId: string | null) =>
  call<OnOrder[]>("on_order", { companyId, productId });

/** A refusal the user may override by saying yes (the call is then repeated with a flag). */
export function needsConfirmation(err: unknown): err is IpcError {
  return err instanceof IpcError && err.code === "confirmation_required";
}

// ----- display helpers -----

export const STATUSES: readonly PurchaseOrderStatus[] = [
  "draft",
  "sent",
  "partially_received",
  "received",
  "cancelled",
];

export const STATUS_LABELS: Record<PurchaseOrderStatus, string> = {
  draft: "Draft",
  sent: "Sent",
  partially_received: "Partially received",
  received: "Received",
  cancelled: "Cancelled",
};

/** A short reference for people: ids are UUIDv7, whose last characters are the random ones. */
/** An order's number (`PO-0042`); for an order from before numbering, a short form of its id. */
export function orderRef(order: string | { id: string; number: string | null }): string {
  if (typeof order !== "string" && order.number) return order.number;
  const id = typeof order === "string" ? order : order.id;
  return `PO-${id.replace(/-/g, "").slice(-8).toUpperCase()}`;
}

function days(n: number): string {
  return `${formatCount(n)} d`;
}

/** "9 d actual · 7 d promised (3 orders)", "7 d promised (no orders yet)", or "—". */
export function leadTimeText(s: Supplier): string {
  const promised = s.promised_lead_time_days;
  if (s.learned_lead_time_days !== null) {
    const parts = [`${days(s.learned_lead_time_days)} actual`];
    if (promised !== null) parts.push(`${days(promised)} promised`);
    const n = s.learned_from_orders;
    return `${parts.join(" · ")} (${formatCount(n)} ${n === 1 ? "order" : "orders"})`;
  }
  if (promised !== null) return `${days(promised)} promised (no orders yet)`;
  return "—";
}

/** Whether deliveries run late against what was promised (by more than a day). */
export function runsLate(s: Supplier): boolean {
  return (
    s.learned_lead_time_days !== null &&
    s.promised_lead_time_days !== null &&
    s.learned_lead_time_days > s.promised_lead_time_days + 1
  );
}

/** Whole number, at least `min`, from a text input; `undefined` when it is not one. */
export function wholeAtLeast(text: string, min: number): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
}

/** The smallest quantity a link allows: the MOQ rounded up to the pack multiple. */
export function firstOrderQuantity(link: Pick<ProductSupplier, "moq" | "pack_multiple"> | null): number {
  if (!link) return 1;
  const pack = Math.max(1, link.pack_multiple);
  return Math.ceil(Math.max(1, link.moq) / pack) * pack;
}
