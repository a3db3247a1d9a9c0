// Settings > Backup: one typed function per command (issue #15), built on ipc.ts's `call`,
// and the backup's progress events.
import { listen } from "@tauri-apps/api/event";
import type { BackupFile, BackupProgress, ImportSummary, ListExport, RestoreSummary } from "./bindings";
import { call } from "./ipc";

/** A verified copy of the whole database at `path` (never the database itself). */
export const backupNow = (path: string) => call<BackupFile>("backup_now", { path });

/** The automatic backups (7 daily, 4 weekly) and those kept before a restore, newest first. */
export const listBackups = () => call<BackupFile[]>("list_backups", {});

/** Replaces the database with a backup; the session ends when it succeeds. */
export const restoreBackup = (path: string) => call<RestoreSummary>("restore_backup", { path });

/** The company in the CSV interchange format, into a folder that has no export yet. */
export const exportCompany = (companyId: string, dir: string) =>
  call<ImportSummary>("export_company", { companyId, dir });

/** Calls `onProgress` for each `backup-progress` event until the returned function is called. */
export function onBackupProgress(onProgress: (p: BackupProgress) => void): Promise<() => void> {
  return listen<BackupProgress>("backup-progress", (e) => onProgress(e.payload));
}

export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The list on screen (with its filters) as a spreadsheet CSV file: the rows written. */
export const exportListCsv = (list: ListExport, path: string) => call<number>("export_list_csv", { list, path });
