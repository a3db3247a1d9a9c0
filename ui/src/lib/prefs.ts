// Small choices remembered on this device, per company (the warehouse a till sells from).
function key(companyId: string, name: string) {
  return `stockflow.${name}.${companyId}`;
}

export function recall(companyId: string, name: string): string | null {
  try {
    return localStorage.getItem(key(companyId, name));
  } catch {
    return null;
  }
}

export function keep(companyId: string, name: string, value: string) {
  try {
    localStorage.setItem(key(companyId, name), value);
  } catch {
    // Storage can be unavailable; the choice is simply not remembered.
  }
}

/** The remembered warehouse if it is still among `ids`, else the first one. */
export function pickWarehouse(companyId: string, ids: readonly string[], name = "warehouse"): string {
  const wanted = recall(companyId, name);
  return wanted && ids.includes(wanted) ? wanted : (ids[0] ?? "");
}
