// The one place the UI talks to the Rust shell. Every command has one typed function here;
// nothing else imports `invoke`.
import { invoke } from "@tauri-apps/api/core";
import type {
  AdjustmentInput,
  AdjustmentReason,
  AppInfo,
  Company,
  CompanyInput,
  CompanySummary,
  DailySales,
  HistoryQuery,
  IpcError as IpcErrorPayload,
  MovementPage,
  MovementResult,
  Product,
  ProductInput,
  ProductPage,
  ProductQuery,
  ProductType,
  ProductTypeInput,
  QuantityLine,
  ReceiptInput,
  ReturnInput,
  Sale,
  SaleInput,
  SalePage,
  SaleQuery,
  StockQuery,
  StockRow,
  TransferInput,
  Warehouse,
  WarehouseInput,
} from "./bindings";
import { IPC_ERROR_CODES, type IpcErrorCode } from "./bindings";

export type { IpcErrorCode };

// Generated from the Rust error codes (src-tauri/ipc.rs `error_codes`), never retyped.
const KNOWN_CODES: ReadonlySet<string> = new Set<string>(IPC_ERROR_CODES);

/** A refused command. `message` is a sentence that is safe to show to the user. */
export class IpcError extends Error {
  readonly code: IpcErrorCode;
  /** The input field at fault, snake_case as in the payload (e.g. `sku`, `initial_stock`). */
  readonly field?: string;
  /** The line of a sale or order at fault, counting from 1. */
  readonly line?: number;
  readonly command: string;

  constructor(command: string, code: IpcErrorCode, message: string, field?: string, line?: number) {
    super(message);
    this.name = "IpcError";
    this.command = command;
    this.code = code;
    this.field = field;
    this.line = line;
  }
}

function isPayload(value: unknown): value is IpcErrorPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcErrorPayload).code === "string" &&
    typeof (value as IpcErrorPayload).message === "string"
  );
}

/** Turns whatever `invoke` rejected with into an IpcError. */
export function toIpcError(command: string, raw: unknown): IpcError {
  if (raw instanceof IpcError) return raw;
  if (isPayload(raw)) {
    const code = KNOWN_CODES.has(raw.code) ? (raw.code as IpcErrorCode) : "internal";
    return new IpcError(command, code, raw.message, raw.field ?? undefined, raw.line ?? undefined);
  }
  // Tauri itself rejects with a bare string (unknown command, bad arguments, missing
  // permission); outside Tauri `invoke` throws a TypeError. Neither is the user's fault.
  const detail = typeof raw === "string" ? raw : raw instanceof Error ? raw.message : String(raw);
  console.error(`[ipc] ${command} failed:`, raw);
  return new IpcError(
    command,
    "internal",
    `Something went wrong while talking to StockFlow (${command}): ${detail}`,
  );
}

type IpcErrorListener = (error: IpcError) => void;
const errorListeners = new Set<IpcErrorListener>();

/** Hears every refused command (sign-in uses it to catch `unauthenticated` from anywhere). */
export function onIpcError(listener: IpcErrorListener): () => void {
  errorListeners.add(listener);
  return () => errorListeners.delete(listener);
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    const error = toIpcError(command, raw);
    for (const listener of errorListeners) listener(error);
    throw error;
  }
}

// Argument names are camelCase here: Tauri maps `company_id` in Rust to `companyId` in JS.
// Fields inside payload structs stay snake_case, as in bindings.ts.

export const appInfo = () => call<AppInfo>("app_info");

export const listCompanies = () => call<Company[]>("list_companies");
export const createCompany = (input: CompanyInput) => call<Company>("create_company", { input });
export const updateCompany = (id: string, input: CompanyInput) =>
  call<Company>("update_company", { id, input });

export const listWarehouses = (companyId: string, includeArchived: boolean) =>
  call<Warehouse[]>("list_warehouses", { companyId, includeArchived });
export const createWarehouse = (companyId: string, input: WarehouseInput) =>
  call<Warehouse>("create_warehouse", { companyId, input });
export const updateWarehouse = (id: string, input: WarehouseInput) =>
  call<Warehouse>("update_warehouse", { id, input });
export const setWarehouseArchived = (id: string, archived: boolean) =>
  call<Warehouse>("set_warehouse_archived", { id, archived });

export const listProductTypes = (companyId: string) =>
  call<ProductType[]>("list_product_types", { companyId });
export const createProductType = (companyId: string, input: ProductTypeInput) =>
  call<ProductType>("create_product_type", { companyId, input });
export const updateProductType = (id: string, input: ProductTypeInput) =>
  call<ProductType>("update_product_type", { id, input });

export const listProducts = (query: ProductQuery) => call<ProductPage>("list_products", { query });
export const getProduct = (id: string) => call<Product>("get_product", { id });
export const createProduct = (companyId: string, input: ProductInput) =>
  call<Product>("create_product", { companyId, input });
export const updateProduct = (id: string, input: ProductInput) =>
  call<Product>("update_product", { id, input });
export const setProductArchived = (id: string, archived: boolean) =>
  call<Product>("set_product_archived", { id, archived });

export const listStock = (query: StockQuery) => call<StockRow[]>("list_stock", { query });
export const companySummary = (companyId: string) =>
  call<CompanySummary>("company_summary", { companyId });

/** Exact barcode, else exact SKU (ignoring case); `not_found` otherwise. */
export const findProductByCode = (companyId: string, code: string) =>
  call<Product>("find_product_by_code", { companyId, code });

export const receiveStock = (companyId: string, input: ReceiptInput) =>
  call<MovementResult>("receive_stock", { companyId, input });
export const adjustStock = (companyId: string, input: AdjustmentInput) =>
  call<MovementResult>("adjust_stock", { companyId, input });
export const transferStock = (companyId: string, input: TransferInput) =>
  call<MovementResult>("transfer_stock", { companyId, input });

export const listAdjustmentReasons = (companyId: string) =>
  call<AdjustmentReason[]>("list_adjustment_reasons", { companyId });
export const addAdjustmentReason = (companyId: string, name: string) =>
  call<AdjustmentReason>("add_adjustment_reason", { companyId, name });
export const removeAdjustmentReason = (companyId: string, id: string) =>
  call<null>("remove_adjustment_reason", { companyId, id });

export const recordSale = (companyId: string, input: SaleInput) =>
  call<Sale>("record_sale", { companyId, input });
export const getSale = (id: string) => call<Sale>("get_sale", { id });
export const listSales = (query: SaleQuery) => call<SalePage>("list_sales", { query });
export const recordReturn = (companyId: string, input: ReturnInput) =>
  call<Sale>("record_return", { companyId, input });

/** An empty list makes the product a plain product again. */
export const setKitComponents = (kitId: string, components: QuantityLine[]) =>
  call<Product>("set_kit_components", { kitId, components });

export const listMovements = (query: HistoryQuery) => call<MovementPage>("list_movements", { query });
export const dailySales = (productId: string, warehouseId: string | null, days: number) =>
  call<DailySales[]>("daily_sales", { productId, warehouseId, days });

// ---- Users, roles and sign-in (issue #7) ----
import type { AuthStatus, ChangePassword, NewUser, Role, SetupOwner, SignIn, User } from "./bindings";

export const authStatus = () => call<AuthStatus>("auth_status");
/** First run only: creates the owner (of every existing company) and signs them in. */
export const setupOwner = (input: SetupOwner) => call<User>("setup_owner", { input });
export const signIn = (input: SignIn) => call<User>("sign_in", { input });
export const signOut = () => call<null>("sign_out");
export const changePassword = (input: ChangePassword) => call<null>("change_password", { input });
/** The members of a company (owners only). */
export const listUsers = (companyId: string) => call<User[]>("list_users", { companyId });
export const addUser = (input: NewUser) => call<User>("add_user", { input });
export const setUserDisabled = (userId: string, disabled: boolean) =>
  call<User>("set_user_disabled", { userId, disabled });
export const setUserRole = (userId: string, companyId: string, role: Role) =>
  call<User>("set_user_role", { userId, companyId, role });
export const resetPassword = (userId: string, password: string) =>
  call<null>("reset_password", { userId, password });
/** 0 = never lock; otherwise 1..=480 minutes without activity. */
export const setIdleLockMinutes = (minutes: number) =>
  call<AuthStatus>("set_idle_lock_minutes", { minutes });

// ----- document numbers -----

import type { NumberingSettings } from "./bindings";

export const numbering = (companyId: string) => call<NumberingSettings>("numbering", { companyId });
/** `null`: back to this device's default series. */
export const setNumberingSeries = (companyId: string, series: string | null) =>
  call<NumberingSettings>("set_numbering_series", { companyId, series });

// ----- device names (issue #13) -----

import type { DeviceNameSettings, StockChangeElsewhere } from "./bindings";

export const deviceName = (companyId: string) => call<DeviceNameSettings>("device_name", { companyId });
/** `null` or blank: back to the fallback ("Computer K7Q"). */
export const setDeviceName = (companyId: string, name: string | null) =>
  call<DeviceNameSettings>("set_device_name", { companyId, name });
export const stockChangesElsewhere = (companyId: string) =>
  call<StockChangeElsewhere[]>("stock_changes_elsewhere", { companyId });
// ---- Sync (issue #13) ----
import type { SyncConflict, SyncConnectInput, SyncStatus } from "./bindings";

/** What the sync worker knows now; polling it does not keep the session from locking. */
export const syncStatus = () => call<SyncStatus>("sync_status");
/** Starts a sync at once (any role); the answer does not wait for it to finish. */
export const syncNow = () => call<SyncStatus>("sync_now");
export const cancelSync = () => call<SyncStatus>("cancel_sync");
/** Owners: tries the account on the server, saves the connection, then pushes the shop. */
export const syncConnect = (input: SyncConnectInput) => call<SyncStatus>("sync_connect", { input });
/** First run: brings a shop down from its server into this empty database. */
export const joinShop = (input: SyncConnectInput) => call<SyncStatus>("join_shop", { input });
export const discardJoin = () => call<SyncStatus>("discard_join");
/** Owners: stops syncing; local data and the changes waiting stay. */
export const syncDisconnect = () => call<SyncStatus>("sync_disconnect");
export const listSyncConflicts = (companyId: string) =>
  call<SyncConflict[]>("list_sync_conflicts", { companyId });
import type { SyncOverwrite } from "./bindings";
/** Product fields edited on two computers at once: what the later edit overwrote. */
export const listSyncOverwrites = (companyId: string) =>
  call<SyncOverwrite[]>("list_sync_overwrites", { companyId });
/** Managers: keep the product as it is; the note goes for good. */
export const keepSyncOverwrite = (id: string) => call<null>("keep_sync_overwrite", { id });
/** Managers: the product that lost the code keeps its suffixed SKU (or no barcode) for good. */
export const keepSyncConflict = (productId: string, kind: string) =>
  call<null>("keep_sync_conflict", { productId, kind });

// ---- Products from a spreadsheet (issue #17) ----
import type { ColumnMapping, SpreadsheetPreview, SpreadsheetSummary } from "./bindings";

/** The template's CSV text: `sku,name,price,cost,barcode,type,qty:<warehouse>...`. */
export const spreadsheetTemplate = (companyId: string) => call<string>("spreadsheet_template", { companyId });
/** The template written to a file the user picked in the save dialog. */
export const saveSpreadsheetTemplate = (companyId: string, path: string) =>
  call<null>("save_spreadsheet_template", { companyId, path });
/** The mapping used (an empty `mapping`: every column guessed), the first rows and every bad cell. */
export const previewSpreadsheet = (companyId: string, path: string, mapping: ColumnMapping[]) =>
  call<SpreadsheetPreview>("preview_spreadsheet", { companyId, path, mapping });
/** Every product of the file with its opening stock, or nothing (file, line, column of the first bad cell). */
export const importSpreadsheet = (companyId: string, path: string, mapping: ColumnMapping[]) =>
  call<SpreadsheetSummary>("import_spreadsheet", { companyId, path, mapping });
