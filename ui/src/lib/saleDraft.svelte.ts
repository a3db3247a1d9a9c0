// The sale being rung up, kept while the user looks at another screen (a stock check in the
// middle of a sale must not lose the basket). One per company, for the life of the window.
import type { Product } from "./bindings";

export type DraftLine = {
  product: Product;
  /** Text of the quantity input (validated on completion). */
  quantity: string;
  /** Text of the unit price input; starts at the product's price. */
  unitPrice: string;
};

export class SaleDraft {
  warehouseId = $state("");
  lines = $state<DraftLine[]>([]);
  note = $state("");

  clear() {
    this.lines = [];
    this.note = "";
  }
}

const drafts = new Map<string, SaleDraft>();

export function draftFor(companyId: string): SaleDraft {
  let d = drafts.get(companyId);
  if (!d) {
    d = new SaleDraft();
    drafts.set(companyId, d);
  }
  return d;
}
