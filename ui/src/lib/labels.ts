// Barcode labels: the core says which code each product's label carries and its bars (a
// string of modules, "1" a bar); this draws them.
import type { Label, LabelRequest } from "./bindings";
import { call } from "./ipc";

/** In the order asked; a product whose label cannot be made is refused by its line. */
export const barcodeLabels = (request: LabelRequest) => call<Label[]>("barcode_labels", { request });

/** The bars as SVG rectangles of one module wide each run, `height` modules tall. */
export function barRects(modules: string): { x: number; width: number }[] {
  const rects: { x: number; width: number }[] = [];
  let i = 0;
  while (i < modules.length) {
    if (modules[i] === "1") {
      const start = i;
      while (i < modules.length && modules[i] === "1") i++;
      rects.push({ x: start, width: i - start });
    } else {
      i++;
    }
  }
  return rects;
}

/** Quiet zone each side, in modules (both symbologies ask for at least 10). */
export const QUIET_MODULES = 11;
