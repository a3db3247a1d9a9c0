// Generated from the Rust types by src-tauri/bindings.rs (ts-rs). Do not edit:
// run `STOCKFLOW_WRITE_BINDINGS=1 cargo test --test commands bindings` instead.

export type AdjustmentInput = { warehouse_id: string, 
/**
 * One of the company's adjustment reasons.
 */
reason: string, lines: Array<QuantityLine>, note?: string, };
export type AdjustmentReason = { id: string, name: string, };
export type Alert = { product_id: string, product_name: string, sku: string, warehouse_id: string, warehouse_name: string, current_stock: number, threshold: number, 
/**
 * Units sold net of returns in the window.
 */
recent_sales: number, days_until_stockout: number, supplier: AlertSupplier | null, 
/**
 * Units on open purchase orders for this warehouse.
 */
on_order: number, 
/**
 * Average daily sales over the lead time, plus the threshold as safety stock.
 */
reorder_point: number, 
/**
 * Enough to cover lead time and review period, less on hand and on order; at least the
 * supplier's MOQ, in whole packs. 0 when what is on order already covers it.
 */
suggested_order_qty: number, 
/**
 * The last day (UTC, `YYYY-MM-DD`) to order so that stock arrives before it runs out.
 */
reorder_by: string, };
export type AlertKey = { product_id: string, warehouse_id: string, };
export type AlertPage = { alerts: Array<Alert>, 
/**
 * Every alert matching the filters, all pages together.
 */
total_alerts: number, };
export type AlertQuery = { company_id: string, 
/**
 * RFC 3339; absent means now.
 */
now?: string, 
/**
 * 0 means 30.
 */
window_days: number, warehouse_id?: string, supplier_id?: string, product_type_id?: string, 
/**
 * Matches SKU or product name, ignoring case.
 */
search?: string, 
/**
 * 0 means every alert.
 */
limit: number, offset: number, };
export type AlertSupplier = { id: string, name: string, contact_email: string, lead_time_days: number, };
export type AppInfo = { version: string, db_path: string, device_id: string, log_dir: string, };
export type ArchivedFilter = "active" | "archived" | "all";
export type AuthStatus = { 
/**
 * No user exists yet: the setup screen creates the owner.
 */
setup_required: boolean, 
/**
 * Who is signed in, if anyone.
 */
user: User | null, 
/**
 * Minutes without activity before the session locks; 0 means never.
 */
idle_lock_minutes: number, 
/**
 * Part of a shop came down from a server and the join has not finished: the first run
 * offers to continue it or start over (see `Store::start_join`).
 */
join_unfinished: boolean, };
export type BackupFile = { path: string, file_name: string, 
/**
 * When it was taken (RFC 3339, UTC).
 */
taken_at: string, size_bytes: number, kind: BackupKind, };
export type BackupKind = "manual" | "daily" | "weekly" | "before_restore";
export type BackupProgress = { done_pages: number, total_pages: number, };
export type CellError = { file: string, line: number, 
/**
 * The file's header of the column, or `row` for the row as a whole.
 */
column: string, code: string, message: string, };
export type ChangePassword = { current_password: string, new_password: string, };
export type ColumnMapping = { header: string, field: string | null, };
export type Company = { id: string, name: string, 
/**
 * Threshold for products with neither their own threshold nor a product type default.
 */
default_threshold: number, 
/**
 * Whether a sale may take on hand below zero.
 */
allow_backorders: boolean, created_at: string, 
/**
 * The ISO 4217 code every amount of the company is in (migration 0014).
 */
currency: string, 
/**
 * The currency's minor-unit decimals: how many places money is shown with.
 */
currency_decimals: number, 
/**
 * The profile printed on purchase orders and receipts (migration 0015).
 */
address: string | null, phone: string | null, email: string | null, 
/**
 * A VAT number, sales-tax or company registration id, as the owner writes it.
 */
tax_id: string | null, };
export type CompanyInput = { name: string, 
/**
 * `None` keeps the current value (or [`DEFAULT_COMPANY_THRESHOLD`] for a new company).
 */
default_threshold?: number, allow_backorders?: boolean, 
/**
 * An ISO 4217 code; `None` keeps the current one (or USD for a new company).
 */
currency?: string, 
/**
 * The profile: each `None` keeps what is there, an empty text clears it.
 */
address?: string, phone?: string, email?: string, tax_id?: string, };
export type CompanySummary = { 
/**
 * Active products.
 */
products: number, 
/**
 * Active warehouses.
 */
warehouses: number, product_types: number, 
/**
 * Units on hand of active products, over all warehouses (a negative on hand, possible
 * with backorders, counts as zero).
 */
units_on_hand: number, 
/**
 * On hand times price, summed exactly (negative on hand counts as zero).
 */
retail_value: string, 
/**
 * On hand times cost price, over the active products whose cost is known.
 */
cost_value: string, 
/**
 * Active products with stock on hand but no cost price: left out of `cost_value`.
 */
products_without_cost: number, 
/**
 * (product, warehouse) rows of active products with nothing on hand.
 */
out_of_stock: number, };
export type CountLine = { product_id: string, sku: string, name: string, counted: number, 
/**
 * When this line was last scanned or typed: the time its count event will carry.
 */
counted_at: string, in_scope: boolean, };
export type CountReview = { session: CountSession, lines: Array<CountReviewLine>, 
/**
 * In scope and stocked or expected here, but not counted.
 */
uncounted: Array<UncountedProduct>, };
export type CountReviewLine = { product_id: string, sku: string, name: string, counted: number, counted_at: string, 
/**
 * On hand the system expected at the line's count time.
 */
expected: number, variance: number, 
/**
 * Variance at cost (the product's first supplier's cost), when a cost is known.
 */
variance_value: string | null, 
/**
 * Movements recorded since the line was counted (a sale at the till, a receipt): they
 * still apply after the count is committed.
 */
movements_since: Array<Movement>, 
/**
 * On hand once committed: counted plus the movements since.
 */
on_hand_after: number, };
export type CountScope = { "kind": "all" } | { "kind": "product_type", product_type_id: string, } | { "kind": "products", product_ids: Array<string>, };
export type CountSession = { id: string, 
/**
 * The human number (`C-0042`); `None` for documents from before numbering.
 */
number: string | null, company_id: string, warehouse_id: string, warehouse_name: string, scope: CountScope, blind: boolean, status: CountStatus, started_at: string, finished_at: string | null, 
/**
 * Products counted so far.
 */
counted: number, 
/**
 * Products in scope.
 */
in_scope: number, 
/**
 * Most recent scan first.
 */
lines: Array<CountLine>, };
export type CountSessionInput = { warehouse_id: string, scope: CountScope, blind: boolean, };
export type CountStatus = "open" | "paused" | "committed" | "cancelled";
export type DailySales = { 
/**
 * `YYYY-MM-DD`.
 */
day: string, units: number, };
export type DeviceNameSettings = { 
/**
 * The name an owner set; `None` until then.
 */
name: string | null, 
/**
 * What is shown while no name is set ("Computer K7Q").
 */
fallback: string, };
export type DraftFromAlertsInput = { 
/**
 * The alert filters; `limit` and `offset` are ignored: every matching alert counts.
 */
query: AlertQuery, 
/**
 * Only these rows (each must still alert under the filters); absent means every
 * matching alert.
 */
selection?: Array<AlertKey>, };
export type DraftedOrders = { orders: Array<PurchaseOrder>, skipped: Array<SkippedAlert>, };
export type DueCount = { product_id: string, sku: string, name: string, product_type_name: string, count_frequency_days: number, 
/**
 * Never counted here when absent.
 */
last_counted_at: string | null, };
export type ForecastQuery = { company_id: string, 
/**
 * RFC 3339; absent means now.
 */
now?: string, 
/**
 * The sales window, as for alerts; 0 means 30.
 */
window_days: number, };
export type HistoryQuery = { company_id: string, product_id?: string, warehouse_id?: string, kind?: MovementKind, reason?: string, user_id?: string, 
/**
 * The movements of one sale, transfer, count, purchase order...
 */
reference_id?: string, 
/**
 * RFC 3339, inclusive.
 */
from?: string, 
/**
 * RFC 3339, exclusive.
 */
to?: string, 
/**
 * 0 means the default page (50).
 */
limit: number, offset: number, };
export type ImportProgress = { file: string, done_bytes: number, total_bytes: number, };
export type ImportSummary = { companies: number, warehouses: number, product_types: number, products: number, suppliers: number, product_suppliers: number, thresholds: number, sales: number, inventory: number, };
export type InitialStock = { warehouse_id: string, quantity: number, };
export type IpcError = { code: IpcErrorCode, 
/**
 * A sentence for the user.
 */
message: string, 
/**
 * The input field at fault (snake_case, as in the payload), when there is one.
 */
field?: string, 
/**
 * The line of a sale or purchase order at fault (counting from 1), when there is one.
 */
line?: number, };
export type KitComponent = { product_id: string, sku: string, name: string, 
/**
 * Units of the component in one kit.
 */
quantity: number, };
export type Label = { product_id: string, sku: string, name: string, price: string, symbology: Symbology, 
/**
 * What the bars say, as printed under them (an EAN-13 with its check digit).
 */
text: string, 
/**
 * `1` a bar module, `0` a space.
 */
modules: string, copies: number, };
export type LabelInput = { product_id: string, copies: number, };
export type LabelRequest = { company_id: string, labels: Array<LabelInput>, 
/**
 * `None`: EAN-13 where the product's barcode is one, else Code 128.
 */
symbology?: Symbology, };
export type ListExport = { "list": "products", "query": ProductQuery } | { "list": "stock", "query": StockQuery } | { "list": "alerts", "query": AlertQuery } | { "list": "history", "query": HistoryQuery } | { "list": "sales", "query": SaleQuery };
export type Membership = { company_id: string, company_name: string, role: Role, };
export type Movement = { id: string, product_id: string, sku: string, product_name: string, warehouse_id: string, warehouse_name: string, kind: MovementKind, 
/**
 * Signed change of on hand; for a count, the quantity counted.
 */
quantity: number, reason: string | null, reference_kind: string | null, reference_id: string | null, note: string | null, occurred_at: string, 
/**
 * Who recorded it; absent for movements made before users existed (setup mode).
 */
user_id: string | null, 
/**
 * That user's name, as it is now.
 */
user_name: string | null, device_id: string, 
/**
 * The computer that made it, in words: the name its owner gave it, else a short
 * fallback from its id ("Computer K7Q"); never the raw id.
 */
device_name: string, 
/**
 * Made on this computer.
 */
this_device: boolean, };
export type MovementKind = "opening" | "receipt" | "sale" | "return" | "adjustment" | "transfer_out" | "transfer_in" | "count";
export type MovementPage = { items: Array<Movement>, 
/**
 * Whether there are older movements after this page.
 */
has_more: boolean, };
export type MovementResult = { movements: Array<Movement>, };
export type NewUser = { company_id: string, email: string, name: string, role: Role, password: string, };
export type NumberingSettings = { 
/**
 * The series the owner set; `None`: the default.
 */
series: string | null, 
/**
 * What the next sale of the company will be numbered, e.g. `S-0043` or `S-K7Q-0001`.
 */
next_sale: string, next_purchase_order: string, next_count: string, };
export type OnOrder = { product_id: string, warehouse_id: string, quantity: number, };
export type Product = { id: string, company_id: string, sku: string, name: string, barcode: string | null, price: string, product_type_id: string | null, product_type_name: string | null, 
/**
 * The product's own threshold, before warehouse overrides.
 */
threshold: number | null, warehouse_thresholds: Array<WarehouseThreshold>, archived: boolean, created_at: string, updated_at: string, 
/**
 * On hand per warehouse where the product is stocked (for a kit: what its components
 * allow, per warehouse).
 */
stock: Array<StockLevel>, 
/**
 * A kit holds no stock of its own: selling one takes its components.
 */
is_kit: boolean, components: Array<KitComponent>, 
/**
 * The cost price the owner set, if any.
 */
cost: string | null, 
/**
 * The unit cost of the purchase-order line of the product's latest receipt.
 */
last_received_cost: string | null, 
/**
 * Price minus cost, when the cost is known.
 */
margin: string | null, 
/**
 * The margin as a percentage of the price, one decimal (none for a zero price).
 */
margin_percent: string | null, };
export type ProductInput = { sku: string, name: string, 
/**
 * A decimal string such as `19.99`: validated by the core, never parsed as a float.
 */
price: string, barcode?: string, product_type_id?: string, threshold?: number, warehouse_thresholds: Array<WarehouseThreshold>, initial_stock: Array<InitialStock>, 
/**
 * The cost price, a decimal string like `price`; `None` or empty: not known.
 */
cost?: string, };
export type ProductListItem = { id: string, sku: string, name: string, barcode: string | null, price: string, product_type_id: string | null, product_type_name: string | null, archived: boolean, 
/**
 * On hand summed over the company's warehouses (0 for a kit).
 */
on_hand: number, is_kit: boolean, cost: string | null, margin: string | null, margin_percent: string | null, };
export type ProductPage = { items: Array<ProductListItem>, 
/**
 * Every product matching the query, all pages together.
 */
total: number, };
export type ProductQuery = { company_id: string, 
/**
 * Matches a SKU or barcode prefix, or a word of the name starting with each word typed.
 */
search?: string, product_type_id?: string, archived: ArchivedFilter, sort: ProductSort, descending: boolean, 
/**
 * Page size, 1..=500; 0 means the default (50).
 */
limit: number, offset: number, };
export type ProductSort = "name" | "sku" | "price" | "on_hand" | "updated";
export type ProductSupplier = { product_id: string, sku: string, product_name: string, supplier_id: string, supplier_name: string, supplier_sku: string | null, lead_time_days: number, unit_cost: string, 
/**
 * Minimum order quantity.
 */
moq: number, 
/**
 * Orders come in multiples of this.
 */
pack_multiple: number, preferred: boolean, };
export type ProductSupplierInput = { supplier_sku?: string, lead_time_days: number, 
/**
 * Decimal string.
 */
unit_cost: string, 
/**
 * Default 1.
 */
moq?: number, 
/**
 * Default 1.
 */
pack_multiple?: number, preferred: boolean, };
export type ProductType = { id: string, company_id: string, name: string, default_threshold: number, 
/**
 * Active products of this type.
 */
product_count: number, 
/**
 * Cycle counting: count products of this type at least every so many days.
 */
count_frequency_days: number | null, };
export type ProductTypeInput = { name: string, default_threshold: number, count_frequency_days?: number, };
export type PurchaseOrder = { id: string, 
/**
 * The human number (`PO-0042`); `None` for documents from before numbering.
 */
number: string | null, company_id: string, supplier_id: string, supplier_name: string, supplier_email: string, warehouse_id: string, warehouse_name: string, status: PurchaseOrderStatus, note: string | null, created_at: string, sent_at: string | null, expected_at: string | null, received_at: string | null, cancelled_at: string | null, total: string, lines: Array<PurchaseOrderLine>, };
export type PurchaseOrderInput = { supplier_id: string, 
/**
 * Where the goods will be received.
 */
warehouse_id: string, lines: Array<PurchaseOrderLineInput>, note?: string, 
/**
 * Products the supplier does not supply yet are refused with `confirmation_required`;
 * with this set they are ordered and linked to the supplier at the order's cost.
 */
confirm_new_links: boolean, };
export type PurchaseOrderLine = { id: string, product_id: string, sku: string, product_name: string, supplier_sku: string | null, quantity_ordered: number, quantity_received: number, unit_cost: string, line_total: string, };
export type PurchaseOrderLineInput = { product_id: string, quantity: number, 
/**
 * Decimal string; absent means the supplier's cost on the link.
 */
unit_cost?: string, };
export type PurchaseOrderPage = { items: Array<PurchaseOrderSummary>, total: number, };
export type PurchaseOrderQuery = { company_id: string, status?: PurchaseOrderStatus, supplier_id?: string, limit: number, offset: number, };
export type PurchaseOrderStatus = "draft" | "sent" | "partially_received" | "received" | "cancelled";
export type PurchaseOrderSummary = { id: string, 
/**
 * The human number (`PO-0042`); `None` for documents from before numbering.
 */
number: string | null, supplier_id: string, supplier_name: string, warehouse_name: string, status: PurchaseOrderStatus, created_at: string, expected_at: string | null, total: string, units_ordered: number, units_received: number, };
export type QuantityLine = { product_id: string, quantity: number, };
export type ReceiptInput = { warehouse_id: string, lines: Array<QuantityLine>, note?: string, };
export type ReceiveOrderInput = { lines: Array<QuantityLine>, 
/**
 * Receiving more than is still open is refused with `confirmation_required` unless set.
 */
confirm_over_receipt: boolean, };
export type RestoreSummary = { 
/**
 * The file restored from.
 */
restored_from: string, 
/**
 * The schema version the file had (upgraded to this build's if older).
 */
file_schema_version: number, 
/**
 * The database as it was before, kept in the backups folder.
 */
previous: BackupFile, 
/**
 * Companies in the restored database.
 */
companies: number, };
export type ReturnInput = { sale_id: string, 
/**
 * Products as sold on the sale (a kit returns as a kit).
 */
lines: Array<QuantityLine>, note?: string, };
export type Role = "owner" | "manager" | "clerk";
export type Sale = { id: string, 
/**
 * The human number (`S-0042`, `S-K7Q-0042`); `None` for sales from before numbering and
 * imported history.
 */
number: string | null, company_id: string, warehouse_id: string, warehouse_name: string, sold_at: string, total: string, 
/**
 * What the returns against it gave back: returned units at the price they were sold at.
 */
refunded: string, 
/**
 * `total` less `refunded`.
 */
net_total: string, note: string | null, lines: Array<SaleLine>, };
export type SaleInput = { warehouse_id: string, lines: Array<SaleLineInput>, note?: string, };
export type SaleLine = { id: string, product_id: string, sku: string, product_name: string, is_kit: boolean, quantity: number, unit_price: string, line_total: string, 
/**
 * Units of this line already returned.
 */
returned: number, };
export type SaleLineInput = { 
/**
 * A product or a kit.
 */
product_id: string, quantity: number, 
/**
 * Decimal string; absent means the product's price.
 */
unit_price?: string, };
export type SalePage = { items: Array<SaleSummary>, total: number, };
export type SaleQuery = { company_id: string, warehouse_id?: string, 
/**
 * Part of a sale's number (`42`, `S-K7Q`), in any case.
 */
search?: string, 
/**
 * First day (`YYYY-MM-DD`, UTC) of the sales listed, inclusive.
 */
from?: string, 
/**
 * Last day, inclusive.
 */
to?: string, limit: number, offset: number, };
export type SaleSummary = { id: string, number: string | null, warehouse_name: string, sold_at: string, total: string, refunded: string, net_total: string, lines: number, units: number, units_returned: number, };
export type ScanInput = { 
/**
 * A barcode or SKU, as a scanner types it.
 */
code: string, 
/**
 * Sets the line to this quantity instead of adding one.
 */
quantity?: number, 
/**
 * A product outside the session's scope is refused with `confirmation_required` unless set.
 */
confirm_out_of_scope: boolean, };
export type SetupOwner = { name: string, email: string, password: string, };
export type SignIn = { email: string, password: string, };
export type SkipReason = "no_supplier" | "supplier_archived" | "covered_by_on_order" | "already_on_draft" | "no_longer_alerting";
export type SkippedAlert = { product_id: string, sku: string, product_name: string, warehouse_id: string, warehouse_name: string, reason: SkipReason, 
/**
 * The reason in words.
 */
message: string, 
/**
 * The draft that already has the product (for `already_on_draft`).
 */
purchase_order_id: string | null, };
export type SpreadsheetPreview = { file: string, headers: Array<string>, 
/**
 * One per header, in file order: the mapping used (guessed or given).
 */
mapping: Array<ColumnMapping>, 
/**
 * The first rows of the file.
 */
rows: Array<SpreadsheetRow>, total_rows: number, 
/**
 * Every bad cell (up to `MAX_ERRORS`), in file order. Empty: the file imports.
 */
errors: Array<CellError>, 
/**
 * All errors, even beyond those listed.
 */
error_count: number, 
/**
 * The fields that must be mapped and are not (`sku`, `name`, `price`).
 */
missing_fields: Array<string>, };
export type SpreadsheetRow = { line: number, cells: Array<string>, };
export type SpreadsheetSummary = { products: number, 
/**
 * Opening stock movements written (one per product and warehouse with a quantity).
 */
stock_lines: number, units: number, 
/**
 * Whether nothing was written (`dry_run`).
 */
dry_run: boolean, };
export type StockChangeElsewhere = { product_id: string, warehouse_id: string, device_id: string, device_name: string, occurred_at: string, };
export type StockLevel = { warehouse_id: string, warehouse_name: string, on_hand: number, };
export type StockQuery = { company_id: string, warehouse_id?: string, sku?: string, };
export type StockRow = { product_id: string, sku: string, product_name: string, warehouse_id: string, warehouse: string, on_hand: number, 
/**
 * What can be sold now (kits: computed from their components).
 */
available: number, is_kit: boolean, 
/**
 * On hand (never below zero) times the price.
 */
value_at_price: string, 
/**
 * On hand (never below zero) times the cost price; none when the cost is not known.
 */
value_at_cost: string | null, };
export type StockoutForecast = { window_days: number, 
/**
 * Rows with sales in the window: the ones that have a forecast at all.
 */
selling: number, within_7_days: number, within_14_days: number, within_30_days: number, };
export type Supplier = { id: string, company_id: string, name: string, contact_email: string, phone: string | null, address: string | null, notes: string | null, archived: boolean, created_at: string, 
/**
 * Products this supplier supplies.
 */
product_count: number, 
/**
 * Days from sent to fully received, the median over its latest received orders.
 */
learned_lead_time_days: number | null, 
/**
 * What it promised for those same orders (expected minus sent), the median; without
 * orders yet, the median lead time of its product links.
 */
promised_lead_time_days: number | null, 
/**
 * How many orders the learned lead time is based on.
 */
learned_from_orders: number, };
export type SupplierInput = { name: string, contact_email: string, phone?: string, address?: string, notes?: string, };
export type Symbology = "code128" | "ean13";
export type SyncConflict = { 
/**
 * `sku` or `barcode`.
 */
kind: string, 
/**
 * The SKU or barcode they all asked for.
 */
value: string, 
/**
 * The one holding it first, then the others (their SKU suffixed, or no barcode).
 */
products: Array<SyncConflictProduct>, };
export type SyncConflictProduct = { product_id: string, sku: string, name: string, archived: boolean, };
export type SyncConnectInput = { server_url: string, account: string, password: string, };
export type SyncConnection = { server_url: string, account: string, 
/**
 * When an owner connected this device (RFC 3339, UTC).
 */
connected_at: string, };
export type SyncOverwrite = { id: string, product_id: string, sku: string, product_name: string, 
/**
 * The synced field's name: `name`, `price`, `barcode`, `threshold`...
 */
field: string, 
/**
 * The product has this now.
 */
kept_value: string, kept_device_name: string, 
/**
 * The kept value was typed on this computer.
 */
kept_here: boolean, 
/**
 * What the later edit overwrote (or the edit that lost).
 */
lost_value: string, lost_device_name: string, lost_here: boolean, recorded_at: string, };
export type SyncProgress = { 
/**
 * `sending` or `receiving`.
 */
phase: string, 
/**
 * Changes sent (or received) so far in this sync.
 */
done: number, 
/**
 * The changes to send in all, when sending.
 */
total: number | null, 
/**
 * Bytes received from the server so far, when receiving.
 */
bytes: number | null, };
export type SyncRunReport = { pushed: number, 
/**
 * Changes received from the shop's other devices.
 */
pulled: number, conflicts: number, finished_at: string, };
export type SyncState = "not_connected" | "needs_password" | "signed_out" | "idle" | "syncing" | "offline" | "error";
export type SyncStatus = { state: SyncState, server_url: string | null, account: string | null, 
/**
 * Changes made here and not yet acknowledged by the server.
 */
pending: number, last_synced_at: string | null, 
/**
 * The last failure in words, for the user ("server unreachable: your changes are kept…").
 */
last_error: string | null, last_error_code: string | null, 
/**
 * Failures in a row (0 after a success).
 */
failures: number, progress: SyncProgress | null, 
/**
 * `keychain`, `memory` (until the app closes) or `none`.
 */
password_kept: string, 
/**
 * This database is bringing a shop down from the server (first run).
 */
joining: boolean, last_report: SyncRunReport | null, };
export type SyncSummary = { connection: SyncConnection | null, 
/**
 * Changes made here and not yet acknowledged by the server.
 */
pending: number, 
/**
 * The last time a pull from the server finished a page, any company.
 */
last_synced_at: string | null, };
export type TransferInput = { from_warehouse_id: string, to_warehouse_id: string, lines: Array<QuantityLine>, note?: string, };
export type UncountedChoice = "treat_as_zero" | "leave";
export type UncountedProduct = { product_id: string, sku: string, name: string, on_hand: number, };
export type User = { id: string, email: string, name: string, disabled: boolean, created_at: string, memberships: Array<Membership>, };
export type Warehouse = { id: string, company_id: string, name: string, code: string | null, address: string | null, archived: boolean, created_at: string, };
export type WarehouseInput = { name: string, code?: string, address?: string, };
export type WarehouseThreshold = { warehouse_id: string, threshold: number, };
/** The least role that may do each action of the core (its role table). */
export const LEAST_ROLE = {
  read: "clerk",
  sell: "clerk",
  receive_order: "clerk",
  count: "clerk",
  edit_catalog: "manager",
  edit_suppliers: "manager",
  manage_orders: "manager",
  adjust: "manager",
  receive_stock: "manager",
  transfer: "manager",
  manage_users: "owner",
  edit_company: "owner",
  create_company: "owner",
  import: "owner",
  over_receive: "manager",
  settings: "owner",
  read_everything: "owner",
  sync: "clerk",
  backup: "manager",
  restore: "owner",
  export: "manager",
  connect_sync: "owner",
} as const satisfies Record<string, Role>;
export type CoreAction = keyof typeof LEAST_ROLE;
/** Every code a refused command can answer with. */
export const IPC_ERROR_CODES = ["validation", "not_found", "conflict", "insufficient_stock", "confirmation_required", "forbidden", "unauthenticated", "sign_in_failed", "throttled", "database_too_new", "busy", "read_only", "internal", "server_unreachable", "server_refused", "server_protocol", "cancelled"] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];
/** The ISO 4217 currencies a company may use, with their decimals (the core's list). */
export const CURRENCIES = {
  AED: 2,
  ARS: 2,
  AUD: 2,
  BGN: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KES: 2,
  KRW: 0,
  KWD: 3,
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PEN: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  QAR: 2,
  RON: 2,
  RSD: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  VND: 0,
  ZAR: 2,
} as const;
export type CurrencyCode = keyof typeof CURRENCIES;
