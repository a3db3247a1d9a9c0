// Stock counts: one typed function per command, built on ipc.ts's `call` (so every refusal is
// an IpcError), plus the beeps the scanning screen plays.
import type { CountLine, CountReview, CountSession, CountSessionInput, DueCount, ScanInput } from "./bindings";
import { call } from "./ipc";

// ----- commands (argument names camelCase; payload fields snake_case) -----

/** One open count per warehouse: a second one is refused (`validation`). */
export const startCount = (companyId: string, input: CountSessionInput) =>
  call<CountSession>("start_count", { companyId, input });
/** Open and paused counts. */
export const listOpenCounts = (companyId: string) => call<CountSession[]>("list_open_counts", { companyId });
export const getCount = (id: string) => call<CountSession>("get_count", { id });
/** No `quantity` adds one; a `quantity` sets the line. `not_found` for an unknown code,
 * `confirmation_required` (field `code`) for a product outside the scope. */
export const scanCount = (sessionId: string, input: ScanInput) => call<CountLine>("scan", { sessionId, input });
export const setCountPaused = (id: string, paused: boolean) =>
  call<CountSession>("set_count_paused", { id, paused });
export const cancelCount = (id: string) => call<CountSession>("cancel_count", { id });
export const reviewCount = (id: string) => call<CountReview>("review_count", { id });
export type UncountedChoice = "treat_as_zero" | "leave";
export const commitCount = (id: string, uncounted: UncountedChoice) =>
  call<CountReview>("commit_count", { id, uncounted });
/** Cycle counting: products of a type with a count frequency, not counted recently. */
export const countsDue = (companyId: string, warehouseId: string) =>
  call<DueCount[]>("counts_due", { companyId, warehouseId });

// ----- helpers -----

/** "*12" typed before a code sets the quantity: returns the quantity and the rest of the text. */
export function splitQuantityPrefix(text: string): { quantity?: number; code: string } {
  const m = /^\*(\d+)\s*(.*)$/.exec(text.trim());
  if (!m) return { code: text.trim() };
  const n = Number(m[1]);
  return { quantity: Number.isSafeInteger(n) ? n : undefined, code: m[2].trim() };
}

let audio: AudioContext | null = null;

/** A short tone through Web Audio (no audio files: the CSP blocks loading them). */
function tone(frequency: number, ms: number, type: OscillatorType) {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    if (ctx.state === "suspended") void ctx.resume().catch(() => {});
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = type;
    osc.frequency.value = frequency;
    const t = ctx.currentTime;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + ms / 1000);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + ms / 1000 + 0.02);
  } catch {
    // no audio device: the screen still shows the result
  }
}

export const beepOk = () => tone(1320, 90, "sine");
export const beepError = () => tone(220, 450, "square");
