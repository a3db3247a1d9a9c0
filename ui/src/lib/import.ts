// The import screen: one typed function per command, built on ipc.ts's `call` (so every refusal
// is an IpcError), and the import's progress events.
import { listen } from "@tauri-apps/api/event";
import type { ImportProgress, ImportSummary } from "./bindings";
import { call } from "./ipc";

/** Imports a folder of CSV files, all or nothing. A refusal names the file, line and column. */
export const importDir = (dir: string) => call<ImportSummary>("import_dir", { dir });

/** Calls `onProgress` for each `import-progress` event until the returned function is called. */
export function onImportProgress(onProgress: (p: ImportProgress) => void): Promise<() => void> {
  return listen<ImportProgress>("import-progress", (e) => onProgress(e.payload));
}
