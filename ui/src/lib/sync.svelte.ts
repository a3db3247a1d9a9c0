// Sync in the window (issue #13): the worker's status (from `sync-status` events, and a poll
// that does not count as activity), the conflicts of the current company, and the words the
// top bar and Settings > Sync use for each state.
import { listen } from "@tauri-apps/api/event";
import type { SyncConflict, SyncStatus } from "./bindings";
import { listSyncConflicts, syncNow, syncStatus } from "./ipc";
import { formatCount, formatShortDateTime, plural } from "./format";
import { formatSize } from "./backup";

const POLL_MS = 3_000;

export type Tone = "ok" | "busy" | "warn" | "error" | "off";

class SyncStore {
  status = $state<SyncStatus | null>(null);
  conflicts = $state<SyncConflict[]>([]);
  #conflictsFor: string | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #unlisten: (() => void) | null = null;
  #lastReport: string | null = null;

  /** Starts following the worker (while someone is signed in). Returns the stop function. */
  follow(companyId: () => string | null): () => void {
    const tick = async () => {
      const id = companyId();
      if (!id) return; // signed out or locked: nothing to ask
      try {
        this.#set(await syncStatus());
      } catch {
        // The sign-in screen says why.
      }
      await this.loadConflicts(id);
    };
    void tick();
    this.#timer = setInterval(tick, POLL_MS);
    listen<SyncStatus>("sync-status", (e) => this.#set(e.payload))
      .then((unlisten) => (this.#unlisten = unlisten))
      .catch(() => {});
    return () => {
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = null;
      this.#unlisten?.();
      this.#unlisten = null;
    };
  }

  #set(status: SyncStatus) {
    this.status = status;
    // A sync that just finished may have brought or fixed conflicts.
    const report = status.last_report?.finished_at ?? null;
    if (report !== this.#lastReport) {
      this.#lastReport = report;
      if (this.#conflictsFor) void this.loadConflicts(this.#conflictsFor);
    }
  }

  async loadConflicts(companyId: string) {
    this.#conflictsFor = companyId;
    try {
      this.conflicts = await listSyncConflicts(companyId);
    } catch {
      // Shown by the Conflicts screen when it loads them itself.
    }
  }

  async now() {
    this.#set(await syncNow());
  }

  set(status: SyncStatus) {
    this.#set(status);
  }

  get connected(): boolean {
    return !!this.status && this.status.state !== "not_connected";
  }

  /** The top bar's few words. */
  get label(): string {
    const s = this.status;
    if (!s) return "";
    switch (s.state) {
      case "not_connected":
        return "Not syncing";
      case "needs_password":
        return "Sync paused: password needed";
      case "signed_out":
        return "Sync paused";
      case "syncing":
        return "Syncing…";
      case "idle":
        return s.pending > 0 ? `${plural(s.pending, "change", "changes")} to send` : "Synced";
      case "offline":
        return `Offline, ${plural(s.pending, "change", "changes")} waiting`;
      case "error":
        return "Sync error";
    }
  }

  get tone(): Tone {
    const s = this.status;
    if (!s) return "off";
    switch (s.state) {
      case "idle":
        return "ok";
      case "syncing":
        return "busy";
      case "offline":
      case "needs_password":
        return "warn";
      case "error":
        return "error";
      default:
        return "off";
    }
  }

  /** A longer sentence for tooltips and Settings. */
  get detail(): string {
    const s = this.status;
    if (!s) return "";
    const last = s.last_synced_at ? `Last synced ${formatShortDateTime(s.last_synced_at)}.` : "Not synced yet.";
    switch (s.state) {
      case "not_connected":
        return "This computer is not connected to a sync server. Everything works offline.";
      case "needs_password":
        return "StockFlow needs the sync account's password again (it could not be kept in this computer's keychain). An owner can enter it in Settings > Sync.";
      case "signed_out":
        return "Sync resumes when someone signs in.";
      case "syncing":
        return progressText(s) ?? "Sending and receiving changes…";
      case "idle":
        return `${last} ${s.pending > 0 ? `${plural(s.pending, "change", "changes")} will be sent in a moment.` : "Everything is sent."}`;
      case "offline":
      case "error":
        return `${s.last_error ?? "Sync failed."} ${last}`;
    }
  }
}

export function progressText(s: SyncStatus): string | null {
  const p = s.progress;
  if (!p) return null;
  if (p.phase === "sending") {
    return p.total ? `Sending changes: ${p.done} of ${p.total}` : `Sending changes: ${p.done}`;
  }
  const size = p.bytes ? ` (${formatSize(p.bytes)})` : "";
  return `Receiving changes: ${formatCount(p.done)}${size}`;
}

export const sync = new SyncStore();
