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
  | "settings"
  | "import"
  | "users"
  | "conflicts"
  | "welcome";

export type Area = {
  id: AreaId;
  label: string;
  icon: IconName;
  /** Shown on the "coming soon" panel until the area is built. */
  soon?: { summary: string; points: string[] };
  /** Listed in the navigation only for the owners of the current company. */
  ownersOnly?: boolean;
  /** Listed only while sync is connected or has left conflicts. */
  syncOnly?: boolean;
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
      },
      {
        id: "purchase-orders",
        label: "Purchase orders",
        icon: "clipboard",
      },
      {
        id: "sales",
        label: "Sales",
        icon: "cart",
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
      },
      {
        id: "alerts",
        label: "Alerts",
        icon: "bell",
      },
      {
        id: "history",
        label: "History",
        icon: "clock",
      },
      // Listed while this computer syncs, or while sync left something to resolve.
      { id: "conflicts", label: "Sync conflicts", icon: "merge", syncOnly: true },
    ],
  },
  {
    label: null,
    areas: [
      { id: "users", label: "Users", icon: "users", ownersOnly: true },
      { id: "import", label: "Import", icon: "receive", ownersOnly: true },
      { id: "settings", label: "Settings", icon: "settings" },
    ],
  },
];

/** The onboarding's steps after the company (Warehouse, then Products): not in the navigation. */
export const WELCOME: Area = { id: "welcome", label: "Getting started", icon: "home" };

export const AREAS: Area[] = [...NAV.flatMap((g) => g.areas), WELCOME];

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
