// Who is signed in, their role in the current company, and what that role may do.
// The core enforces every rule (a refused command answers `forbidden`); this mirror only lets
// the screens disable what would be refused and say why, before the user tries.
import type { AuthStatus, CoreAction, Role, User } from "./bindings";
import { LEAST_ROLE } from "./bindings";
import { IpcError, authStatus, onIpcError, setupOwner, signIn, signOut } from "./ipc";
import type { SetupOwner, SignIn } from "./bindings";
import { session } from "./session.svelte";
import { toasts } from "./toasts.svelte";

/** What a screen can ask about: each is one action of the core (CORE_ACTION below), whose role
 * table says the least role that may do it. */
export type Action =
  | "sell" // sales and returns
  | "receive_order" // receipts against purchase orders
  | "count" // stock counts
  | "catalog" // products, types, warehouses, kits, archive, thresholds, adjustment reasons
  | "suppliers" // suppliers and product-supplier links
  | "purchase_orders" // create, send, cancel, draft from alerts
  | "adjust"
  | "receive_stock" // ad-hoc receipts
  | "transfer"
  | "backup" // back up now, the list of backups
  | "export" // the company to CSV files
  | "users"
  | "companies"
  | "settings"
  | "import"
  | "restore"
  | "sync" // connect or disconnect sync
  | "sync_now";

// Which action of the core each of the UI's names is; the roles themselves come from the
// core's role table (LEAST_ROLE in bindings.ts, generated), never retyped here.
const CORE_ACTION: Record<Action, CoreAction> = {
  sell: "sell",
  receive_order: "receive_order",
  count: "count",
  catalog: "edit_catalog",
  suppliers: "edit_suppliers",
  purchase_orders: "manage_orders",
  adjust: "adjust",
  receive_stock: "receive_stock",
  transfer: "transfer",
  users: "manage_users",
  companies: "edit_company",
  settings: "settings",
  import: "import",
  backup: "backup",
  export: "export",
  restore: "restore",
  sync: "connect_sync",
  sync_now: "sync",
};

const RANK: Record<Role, number> = { clerk: 0, manager: 1, owner: 2 };

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", manager: "Manager", clerk: "Clerk" };
export const ROLES: Role[] = ["owner", "manager", "clerk"];
export const ROLE_SUMMARIES: Record<Role, string> = {
  owner: "Everything, including users, companies and settings.",
  manager: "Catalog, suppliers, purchase orders, adjustments and transfers.",
  clerk: "Sales, returns, receiving orders and stock counts.",
};

/** What the action changes, for "a clerk cannot …". */
const WHAT: Record<Action, string> = {
  sell: "record sales",
  receive_order: "receive purchase orders",
  count: "count stock",
  catalog: "change the catalog",
  suppliers: "change suppliers",
  purchase_orders: "change purchase orders",
  adjust: "adjust stock",
  receive_stock: "receive stock outside a purchase order",
  transfer: "transfer stock",
  users: "manage users",
  companies: "change the company's settings",
  settings: "change settings",
  import: "import data",
  backup: "make backups",
  export: "export data",
  restore: "restore a backup",
  sync: "connect or disconnect sync",
  sync_now: "sync",
};

/** Why the session ended, for the sign-in screen. */
export type Lock =
  | { kind: "idle"; email: string; minutes: number }
  | { kind: "expired"; email: string; message: string };

export type AuthState = "loading" | "failed" | "setup" | "signed_out" | "signed_in";

const IDLE_CHECK_MS = 2_000;
const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;

// Commands whose refusals are about signing in itself, not a session that ended.
const AUTH_COMMANDS = new Set(["auth_status", "setup_owner", "sign_in", "sign_out"]);

class Auth {
  state = $state<AuthState>("loading");
  loadError = $state<unknown>(null);
  user = $state<User | null>(null);
  idleLockMinutes = $state(0);
  /** Part of a shop came down and the join did not finish: the first run goes on with it. */
  joinUnfinished = $state(false);
  /** Set when the session ended without the user signing out (idle lock, expired session). */
  lock = $state<Lock | null>(null);
  /**
   * The user whose screens are on display. It outlives a lock, so that signing back in as the
   * same user returns to the same page with nothing lost; another user gets fresh screens.
   */
  shellUserId = $state<string | null>(null);

  role = $derived.by((): Role | null => {
    const id = session.companyId;
    if (!this.user || !id) return null;
    return this.user.memberships.find((m) => m.company_id === id)?.role ?? null;
  });

  constructor() {
    onIpcError((error) => this.#onError(error));
  }

  /** True when the signed-in user's role in the current company allows the action. */
  can(action: Action): boolean {
    const role = this.role;
    return role !== null && RANK[role] >= RANK[LEAST_ROLE[CORE_ACTION[action]]];
  }

  /** Why the action is not allowed ("Managers and owners only: a clerk cannot …"), or null. */
  why(action: Action): string | null {
    if (this.can(action)) return null;
    const least = LEAST_ROLE[CORE_ACTION[action]];
    const who = least === "owner" ? "Owners only" : least === "manager" ? "Managers and owners only" : "Not allowed";
    const role = this.role;
    return role ? `${who}: a ${role} cannot ${WHAT[action]}.` : `${who}.`;
  }

  /**
   * Attributes for a button that does `action`: disabled, with aria-disabled and the reason as
   * its tooltip when the role may not. `disabled`/`title` are the button's own.
   */
  guard(action: Action, own: { disabled?: boolean; title?: string } = {}) {
    const reason = this.why(action);
    return {
      disabled: !!reason || !!own.disabled,
      "aria-disabled": reason ? ("true" as const) : undefined,
      title: reason ?? own.title,
      "data-denied": reason ? "true" : undefined,
    };
  }

  get isOwnerAnywhere(): boolean {
    return !!this.user?.memberships.some((m) => m.role === "owner");
  }

  async load() {
    this.state = "loading";
    this.loadError = null;
    try {
      this.#apply(await authStatus());
    } catch (err) {
      this.loadError = err;
      this.state = "failed";
    }
  }

  /** Re-reads the signed-in user (memberships change when a company is created). */
  async refresh() {
    try {
      const status = await authStatus();
      if (status.user && this.user && status.user.id === this.user.id) {
        this.user = status.user;
        this.idleLockMinutes = status.idle_lock_minutes;
      }
    } catch {
      // `unauthenticated` is handled by the listener; anything else leaves the user as is.
    }
  }

  #apply(status: AuthStatus) {
    this.idleLockMinutes = status.idle_lock_minutes;
    this.joinUnfinished = status.join_unfinished;
    if (status.setup_required) {
      this.user = null;
      this.state = "setup";
    } else if (status.user) {
      this.#signedIn(status.user);
    } else {
      this.user = null;
      this.state = "signed_out";
    }
  }

  #signedIn(user: User) {
    const same = this.shellUserId === user.id;
    this.user = user;
    this.lock = null;
    this.shellUserId = user.id;
    this.state = "signed_in";
    // Another user (or the first sign-in) sees the companies they belong to.
    if (!same || session.status !== "ready") session.load();
  }

  async setup(input: SetupOwner) {
    const user = await setupOwner(input);
    // The idle-lock setting came with the status; keep it.
    this.#signedIn(user);
  }

  async signIn(input: SignIn) {
    const user = await signIn(input);
    try {
      this.idleLockMinutes = (await authStatus()).idle_lock_minutes;
    } catch {
      // keep the last known setting
    }
    this.#signedIn(user);
  }

  /** The user chose to sign out: their screens go too. */
  async signOut() {
    try {
      await signOut();
    } finally {
      this.user = null;
      this.lock = null;
      this.shellUserId = null;
      this.state = "signed_out";
    }
  }

  /** No activity for the idle time: end the session, keep the screens for the same user. */
  async lockForIdle() {
    if (this.state !== "signed_in" || !this.user) return;
    const email = this.user.email;
    const minutes = this.idleLockMinutes;
    this.user = null;
    this.state = "signed_out";
    this.lock = { kind: "idle", email, minutes };
    try {
      await signOut();
    } catch {
      // The core locks on its own as well; the screen is what matters here.
    }
  }

  /** Forget the remembered screens (the sign-in screen's "Not you?"). */
  forgetShell() {
    this.shellUserId = null;
    this.lock = null;
  }

  /**
   * Watches for activity (pointer, keys) while signed in; returns the stop function.
   * The check runs every few seconds so it also catches a machine waking from sleep.
   */
  watchIdle(minutes: number): () => void {
    let last = Date.now();
    // WebKit sends a pointermove without any movement when the page changes under a still
    // pointer (a toast, a reflow); that is not someone at the keyboard.
    let at: [number, number] | null = null;
    const touch = (e: Event) => {
      if (e instanceof PointerEvent && e.type === "pointermove") {
        const here: [number, number] = [e.screenX, e.screenY];
        const still = at !== null && at[0] === here[0] && at[1] === here[1];
        at = here;
        if (still || (e.movementX === 0 && e.movementY === 0)) return;
      }
      last = Date.now();
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, touch, { capture: true, passive: true });
    const timer = setInterval(() => {
      if (Date.now() - last >= minutes * 60_000) this.lockForIdle();
    }, IDLE_CHECK_MS);
    return () => {
      clearInterval(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, touch, { capture: true });
    };
  }

  #onError(error: IpcError) {
    if (error.code === "unauthenticated" && !AUTH_COMMANDS.has(error.command)) {
      if (this.state === "signed_in" && this.user) {
        this.lock = { kind: "expired", email: this.user.email, message: error.message };
        this.user = null;
        this.state = "signed_out";
      }
    } else if (error.code === "forbidden") {
      toasts.error(error);
    }
  }
}

export const auth = new Auth();
