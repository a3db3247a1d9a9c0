// Focus the element once it is in the document (forms open with the cursor in the first field).
export function autofocus(node: HTMLElement, enabled: boolean = true) {
  if (!enabled) return;
  queueMicrotask(() => node.focus());
}

/** True when a key press is aimed at a text field, so global shortcuts must stay out of it. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  return t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName);
}
