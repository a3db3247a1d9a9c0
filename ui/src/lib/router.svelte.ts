// A small hash router: `#/products`, `#/stock?warehouse=ID`. The hash survives a reload of the
// webview and needs no server support.
import type { IconName } from "../components/icons";

export type AreaId =
  | "dashboard"
  | "products"
  | "stock"
  | "warehouses"
  | "product-types"
  | "suppliers"
  | "purchase-orders"
  | "sales"
  | "stock-count"
  | "alerts"
  | "history"
  | "settings";

export type Area = {
  id: AreaId;
  label: string;
  icon: IconName;
  /** Shown on the "coming soon" panel until the area is built. */
  soon?: { summary: string; points: string[] };
};

export type NavGroup = { label: string | null; areas: Area[] };

export const NAV: NavGroup[] = [
  {
    label: null,
    areas: [{ id: "dashboard", label: "Dashboard", icon: "home" }],
  },
  {
    label: "Inventory",
    areas: [
      { id: "products", label: "Products", icon: "box" },
      { id: "stock", label: "Stock", icon: "layers" },
      { id: "warehouses", label: "Warehouses", icon: "building" },
      { id: "product-types", label: "Product types", icon: "tag" },
    ],
  },
  {
    label: "Buying & selling",
    areas: [
      {
        id: "suppliers",
        label: "Suppliers",
        icon: "truck",
        soon: {
          summary: "Keep the people you buy from in one place.",
          points: [
            "Contact details and lead times for every supplier",
            "Which supplier sells which product, at what cost, in what pack size",
            "A preferred supplier per product for reorder suggestions",
          ],
        },
      },
      {
        id: "purchase-orders",
        label: "Purchase orders",
        icon: "clipboard",
        soon: {
          summary: "Order stock from suppliers and receive it into a warehouse.",
          points: [
            "Draft, send and cancel orders",
            "Receive all or part of an order; stock goes up as it arrives",
            "See what is already on order before you reorder",
          ],
        },
      },
      {
        id: "sales",
        label: "Sales",
        icon: "cart",
        soon: {
          summary: "Record what leaves the shop, and what comes back.",
          points: [
            "Scan or type items to record a sale from a warehouse",
            "Returns against an earlier sale",
            "Kits sold as one item take stock from their components",
          ],
        },
      },
    ],
  },
  {
    label: "Control",
    areas: [
      {
        id: "stock-count",
        label: "Stock count",
        icon: "scan",
        soon: {
          summary: "Count the shelves with a barcode scanner and fix the numbers in one go.",
          points: [
            "Start a count for a warehouse, scan items as you go",
            "Review differences, including sales made during the count",
            "Commit the count: on-hand becomes what you counted",
          ],
        },
      },
      {
        id: "alerts",
        label: "Alerts",
        icon: "bell",
        soon: {
          summary: "Know what will run out before it does.",
          points: [
            "Products below their threshold that are still selling",
            "Days until stock-out from recent sales",
            "Suggested order quantities from supplier lead times",
          ],
        },
      },
      {
        id: "history",
        label: "History",
        icon: "clock",
        soon: {
          summary: "Every stock movement, as it happened.",
          points: [
            "Receipts, sales, returns, adjustments, transfers and counts",
            "Filter by product, warehouse or kind of movement",
            "Who made each change, on which device",
          ],
        },
      },
    ],
  },
  {
    label: null,
    areas: [{ id: "settings", label: "Settings", icon: "settings" }],
  },
];

export const AREAS: Area[] = NAV.flatMap((g) => g.areas);

function parse(hash: string): { area: AreaId; params: URLSearchParams } {
  const raw = hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?", 2);
  const area = AREAS.find((a) => a.id === path)?.id ?? "dashboard";
  return { area, params: new URLSearchParams(query) };
}

export function href(area: AreaId, params?: Record<string, string>): string {
  const q = params ? new URLSearchParams(params).toString() : "";
  return `#/${area}${q ? `?${q}` : ""}`;
}

class Router {
  area = $state<AreaId>("dashboard");
  params = $state<URLSearchParams>(new URLSearchParams());

  constructor() {
    this.#read();
    window.addEventListener("hashchange", () => this.#read());
  }

  #read() {
    const { area, params } = parse(location.hash);
    this.area = area;
    this.params = params;
  }

  /** Reads a one-shot parameter (`?new=1`) and drops it from the address so it acts once. */
  take(name: string): string | null {
    const value = this.params.get(name);
    if (value === null) return null;
    const rest = new URLSearchParams(this.params);
    rest.delete(name);
    const q = rest.toString();
    history.replaceState(history.state, "", `#/${this.area}${q ? `?${q}` : ""}`);
    this.params = rest;
    return value;
  }

  go(area: AreaId, params?: Record<string, string>) {
    location.hash = href(area, params);
  }
}

export const router = new Router();
