// The keyboard shortcuts, listed once: the palette's help and Settings > Appearance show this
// list, and the handlers that implement them say which entry they are.
export type Shortcut = { keys: string[]; what: string; where: string };

/** "Ctrl" on Linux and Windows, "⌘" on a Mac. */
export const MOD = typeof navigator !== "undefined" && /Mac/.test(navigator.platform) ? "⌘" : "Ctrl";

export const SHORTCUTS: Shortcut[] = [
  { keys: [MOD, "K"], what: "Go to any screen, product, sale or purchase order", where: "Everywhere" },
  { keys: ["?"], what: "Show these shortcuts", where: "Everywhere, outside a text field" },
  { keys: [MOD, "Enter"], what: "Complete the sale, the receipt or the count", where: "Record a sale, Receive, Stock count" },
  { keys: ["Enter"], what: "Add the scanned or typed code", where: "Scan fields" },
  { keys: ["Esc"], what: "Close the dialog, drawer or palette", where: "Dialogs and drawers" },
];

/** The palette's key: Ctrl+K (⌘K on a Mac), also while typing in a field. */
export function isPaletteKey(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k";
}
