// Turning a refused save into messages next to the right inputs.
import { IpcError } from "./ipc";
import { errorMessage } from "./toasts.svelte";

export type FieldErrors = Record<string, string>;

export type FormFailure = { fields: FieldErrors; form: string | null };

/**
 * `known` lists the error keys the form can show under an input or section. The backend may
 * name a nested field (`initial_stock[2].quantity`, `warehouse_thresholds.0`): its leading
 * name picks the section. Anything else goes to the form-level banner.
 */
export function failureFrom(err: unknown, known: readonly string[]): FormFailure {
  if (err instanceof IpcError && err.field) {
    const head = err.field.match(/^[a-z_]+/)?.[0] ?? err.field;
    const key = known.includes(err.field) ? err.field : known.includes(head) ? head : null;
    if (key) return { fields: { [key]: err.message }, form: null };
  }
  return { fields: {}, form: errorMessage(err) };
}

/** Whole, non-negative number from a text input; `null` when empty, `undefined` when invalid. */
export function parseQuantity(text: string): number | null | undefined {
  const t = text.trim();
  if (t === "") return null;
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A price as the backend wants it: digits with an optional decimal point, no float math. */
export function looksLikePrice(text: string): boolean {
  return /^\d+(\.\d+)?$/.test(text.trim());
}

/** The core's least length for a password, checked here too so that the form answers at once. */
export const MIN_PASSWORD = 8;

/** What is wrong with a new password (and its confirmation, when the form asks twice). */
/** Every problem of a new password at once (too short, and a confirmation that differs), each
 *  said once: a form shows the length error in place of its "At least N characters" hint. */
export function newPasswordProblems(password: string, confirm?: string): { password?: string; confirm?: string } {
  const found: { password?: string; confirm?: string } = {};
  if (password.length < MIN_PASSWORD) {
    found.password = `Use at least ${MIN_PASSWORD} characters (this one has ${password.length}).`;
  }
  if (confirm !== undefined && confirm !== password) found.confirm = "The two passwords are not the same.";
  return found;
}
