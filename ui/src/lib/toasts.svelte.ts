// Short-lived notices. Successes fade on their own; errors stay until dismissed so that
// no failure is lost while the user looks elsewhere.
import { IpcError } from "./ipc";

export type ToastKind = "success" | "error" | "info";
export type Toast = { id: number; kind: ToastKind; message: string };

const SUCCESS_MS = 4000;

class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  push(kind: ToastKind, message: string) {
    const id = this.#next++;
    this.items.push({ id, kind, message });
    if (kind !== "error") setTimeout(() => this.dismiss(id), SUCCESS_MS);
    // Keep the stack short: the oldest successes go first.
    if (this.items.length > 3) {
      const oldest = this.items.findIndex((t) => t.kind !== "error");
      this.items.splice(oldest >= 0 ? oldest : 0, 1);
    }
  }

  success(message: string) {
    this.push("success", message);
  }

  info(message: string) {
    this.push("info", message);
  }

  error(err: unknown, context?: string) {
    const message = errorMessage(err);
    // An ended session brings up the sign-in screen, which says so: no toast on top of it.
    if (err instanceof IpcError && err.code === "unauthenticated") return;
    // A refusal for the user's role is shown once, as the core words it, whoever reports it.
    if (err instanceof IpcError && err.code === "forbidden") {
      if (!this.items.some((t) => t.kind === "error" && t.message === message)) this.push("error", message);
      return;
    }
    this.push("error", context ? `${context}: ${message}` : message);
  }

  dismiss(id: number) {
    const i = this.items.findIndex((t) => t.id === id);
    if (i >= 0) this.items.splice(i, 1);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof IpcError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export const toasts = new Toasts();
