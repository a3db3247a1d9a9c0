//! `stockflow-cli`: the same core as the app, from a terminal (DESIGN §8).
//!
//! Its commands, flags, JSON field names and exit codes are a public interface that users
//! script against: extend, never rename. Exit status: 0 done, 1 refused by a rule (nothing
//! written), 2 a usage mistake.

mod backup;
#[cfg(test)]
mod fuzz_tests;
mod output;
mod sync;
mod usage;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use stockflow_core::*;

use output::{Out, Table};

#[derive(Parser)]
#[command(
    name = "stockflow-cli",
    version,
    about = "StockFlow inventory from a terminal"
)]
struct Cli {
    /// The database file (default: $STOCKFLOW_DB, else the app's own database).
    #[arg(long, global = true, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Print results (and errors) as JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Who runs the command: needed once the database has users (password from
    /// STOCKFLOW_PASSWORD, else a prompt).
    #[arg(long, global = true, value_name = "EMAIL")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Companies: the businesses this database keeps stock for.
    #[command(subcommand)]
    Company(CompanyCmd),
    /// Warehouses of a company.
    #[command(subcommand)]
    Warehouse(WarehouseCmd),
    /// Product types of a company, each with a default low-stock threshold.
    #[command(name = "type", subcommand)]
    ProductType(TypeCmd),
    /// Products of a company.
    #[command(subcommand)]
    Product(ProductCmd),
    /// Stock on hand per product and warehouse.
    Stock(StockArgs),
    /// Receive stock without a purchase order.
    Receive(MoveArgs),
    /// Record a sale (kits take their components).
    Sell(MoveArgs),
    /// Take back products of a sale.
    Return(ReturnArgs),
    /// Correct on hand with a reason: SKU=+QTY or SKU=-QTY.
    Adjust(AdjustArgs),
    /// Move stock between two warehouses.
    Transfer(TransferArgs),
    /// Kits: products made of other products.
    #[command(subcommand)]
    Kit(KitCmd),
    /// The stock ledger, newest first.
    History(HistoryArgs),
    /// Suppliers and the products they supply.
    #[command(subcommand)]
    Supplier(SupplierCmd),
    /// Purchase orders: create, send, receive, cancel, list.
    #[command(subcommand)]
    Po(PoCmd),
    /// Stock counts: start, scan, commit (and review, list).
    #[command(subcommand)]
    Count(CountCmd),
    /// Import a folder in the CSV interchange format, all or nothing.
    Import {
        /// The folder with companies.csv, warehouses.csv, ... sales.csv.
        dir: PathBuf,
    },
    /// Low-stock alerts driven by sales velocity.
    Alerts(AlertArgs),
    /// Users and their roles (owners).
    #[command(subcommand)]
    User(users::UserCmd),
    /// Sync with the central server: push this device's changes, then pull the others'.
    Sync(sync::SyncArgs),
    /// A verified copy of the whole database, safe while the app runs (or --list, --auto).
    Backup(backup::BackupArgs),
    /// Replace the database with a backup (checked first; the current one is kept).
    Restore(backup::RestoreArgs),
    /// Write a company in the CSV interchange format, which `import` reads back.
    Export(backup::ExportArgs),
    /// This computer's name in a company, as the shop's other computers show it (history).
    #[command(subcommand)]
    Device(DeviceCmd),
}

#[derive(Subcommand)]
enum DeviceCmd {
    /// Show this computer's name, or set it (owners); an empty NAME goes back to the default.
    Name {
        #[command(flatten)]
        company: CompanyArg,
        /// The new name, like "Shop laptop".
        name: Option<String>,
    },
}

#[derive(Args)]
struct AlertArgs {
    #[command(flatten)]
    filters: AlertFilters,
    /// 0: every alert.
    #[arg(long, default_value_t = 0)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
}

/// Which alerts: shared by `alerts` and `po from-alerts`.
#[derive(Args)]
struct AlertFilters {
    #[command(flatten)]
    company: CompanyArg,
    /// The end of the window (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    #[arg(
        long = "window-days",
        visible_alias = "window",
        value_name = "N",
        default_value_t = 30
    )]
    window_days: u32,
    #[arg(long, value_name = "W")]
    warehouse: Option<String>,
    /// Only alerts whose chosen supplier is this one (name or id).
    #[arg(long, value_name = "S")]
    supplier: Option<String>,
    /// Only products of this type (name or id).
    #[arg(long = "type", value_name = "T")]
    product_type: Option<String>,
    /// Only SKUs or names containing this text.
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
}

/// The alert query of the filters, names resolved to ids (every alert: no paging).
fn alert_query(store: &Store, f: AlertFilters) -> Result<AlertQuery> {
    let company = store.find_company(&f.company.company)?;
    let warehouse_id = f
        .warehouse
        .map(|w| store.find_warehouse(&company.id, &w).map(|w| w.id))
        .transpose()?;
    let supplier_id = f
        .supplier
        .map(|s| store.find_supplier(&company.id, &s).map(|s| s.id))
        .transpose()?;
    let product_type_id = f
        .product_type
        .map(|t| store.find_product_type(&company.id, &t).map(|t| t.id))
        .transpose()?;
    Ok(AlertQuery {
        company_id: company.id,
        now: f.now,
        window_days: f.window_days,
        warehouse_id,
        supplier_id,
        product_type_id,
        search: f.search,
        limit: 0,
        offset: 0,
    })
}

#[derive(Subcommand)]
enum CountCmd {
    Start {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long, value_name = "W")]
        warehouse: String,
        /// Count only products of this type (name or id).
        #[arg(long = "type", value_name = "T")]
        product_type: Option<String>,
        /// Count only these products, repeatable.
        #[arg(long = "sku", value_name = "SKU")]
        skus: Vec<String>,
        /// Show expected quantities while counting.
        #[arg(long)]
        open: bool,
    },
    /// One scan of a barcode or SKU (adds one), or a typed quantity with --qty.
    Scan {
        id: String,
        code: String,
        #[arg(long, value_name = "N")]
        qty: Option<i64>,
        /// Add a product outside the count's scope.
        #[arg(long)]
        confirm: bool,
    },
    /// Counted against expected, and what is not counted yet.
    Review { id: String },
    /// Write the counts; products in scope not counted stay as they are unless --zero-uncounted.
    Commit {
        id: String,
        #[arg(long = "zero-uncounted")]
        zero_uncounted: bool,
    },
    /// Open counts of a company.
    List {
        #[command(flatten)]
        company: CompanyArg,
    },
}

#[derive(Subcommand)]
enum SupplierCmd {
    Add {
        #[command(flatten)]
        company: CompanyArg,
        name: String,
        #[arg(long, value_name = "E")]
        email: String,
        #[arg(long)]
        phone: Option<String>,
    },
    /// Say that a supplier supplies a product, on which terms (replaces an existing link).
    Link {
        #[command(flatten)]
        company: CompanyArg,
        /// Supplier name or id.
        #[arg(long, value_name = "S")]
        supplier: String,
        #[arg(long)]
        sku: String,
        #[arg(long = "lead-time", value_name = "DAYS")]
        lead_time: i64,
        /// Unit cost, a decimal such as 2.50.
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        cost: String,
        /// Minimum order quantity.
        #[arg(long, value_name = "N")]
        moq: Option<i64>,
        /// Pack multiple: orders come in multiples of N.
        #[arg(long, value_name = "N")]
        multiple: Option<i64>,
        #[arg(long)]
        preferred: bool,
        #[arg(long = "supplier-sku", value_name = "CODE")]
        supplier_sku: Option<String>,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
    },
}

#[derive(Subcommand)]
enum PoCmd {
    Create {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long, value_name = "S")]
        supplier: String,
        #[arg(long, value_name = "W")]
        warehouse: String,
        #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
        lines: Vec<(String, i64)>,
        /// A unit cost for a line, repeatable: SKU=COST (default: the supplier's cost).
        #[arg(long = "cost", value_name = "SKU=COST", value_parser = parse_text_assignment)]
        costs: Vec<(String, String)>,
        /// Order products the supplier does not supply yet, and link them.
        #[arg(long)]
        confirm: bool,
    },
    Send {
        id: String,
    },
    Receive {
        id: String,
        #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
        lines: Vec<(String, i64)>,
        /// Accept receiving more than is still open.
        #[arg(long)]
        confirm: bool,
    },
    Cancel {
        id: String,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
        /// draft, sent, partially_received, received or cancelled.
        #[arg(long, value_parser = parse_status)]
        status: Option<PurchaseOrderStatus>,
    },
    /// Draft orders for every alert matching the filters: one per supplier and warehouse, with
    /// the suggested quantities. Alerts that cannot be ordered are listed with the reason.
    FromAlerts {
        #[command(flatten)]
        filters: AlertFilters,
    },
}

fn parse_status(text: &str) -> Result<PurchaseOrderStatus, String> {
    PurchaseOrderStatus::parse(text).ok_or_else(|| format!("unknown status \"{text}\""))
}

/// `NAME=TEXT`, the text checked by the core.
fn parse_text_assignment(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .rsplit_once('=')
        .filter(|(n, _)| !n.trim().is_empty())
        .ok_or_else(|| format!("expected SKU=VALUE, got \"{text}\""))?;
    Ok((name.trim().to_owned(), value.trim().to_owned()))
}

#[derive(Args)]
struct MoveArgs {
    #[command(flatten)]
    company: CompanyArg,
    /// Warehouse name, code or id.
    #[arg(long, value_name = "W")]
    warehouse: String,
    /// SKU=QTY, one or more.
    #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
    lines: Vec<(String, i64)>,
}

#[derive(Args)]
struct ReturnArgs {
    #[command(flatten)]
    company: CompanyArg,
    #[arg(long, value_name = "W")]
    warehouse: String,
    #[arg(long, value_name = "SALE_ID")]
    sale: String,
    #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
    lines: Vec<(String, i64)>,
}

#[derive(Args)]
struct AdjustArgs {
    #[command(flatten)]
    company: CompanyArg,
    #[arg(long, value_name = "W")]
    warehouse: String,
    /// One of the company's adjustment reasons (damaged, lost, found, expired, correction...).
    #[arg(long, value_name = "R")]
    reason: String,
    #[arg(value_name = "SKU=[+-]QTY", required = true, value_parser = parse_assignment, allow_hyphen_values = true)]
    lines: Vec<(String, i64)>,
}

#[derive(Args)]
struct TransferArgs {
    #[command(flatten)]
    company: CompanyArg,
    #[arg(long, value_name = "W1")]
    from: String,
    #[arg(long, value_name = "W2")]
    to: String,
    #[arg(value_name = "SKU=QTY", required = true, value_parser = parse_assignment)]
    lines: Vec<(String, i64)>,
}

#[derive(Subcommand)]
enum KitCmd {
    /// Set the kit's components (replacing its recipe).
    Set {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long, value_name = "KIT")]
        sku: String,
        #[arg(value_name = "COMPONENT_SKU=QTY", required = true, value_parser = parse_assignment)]
        components: Vec<(String, i64)>,
    },
}

#[derive(Args)]
struct HistoryArgs {
    #[command(flatten)]
    company: CompanyArg,
    #[arg(long)]
    sku: Option<String>,
    #[arg(long, value_name = "W")]
    warehouse: Option<String>,
    /// opening, receipt, sale, return, adjustment, transfer_out, transfer_in or count.
    #[arg(long, value_name = "K", value_parser = parse_kind)]
    kind: Option<MovementKind>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

fn parse_kind(text: &str) -> Result<MovementKind, String> {
    MovementKind::parse(text).ok_or_else(|| format!("unknown movement kind \"{text}\""))
}

#[derive(Subcommand)]
enum CompanyCmd {
    Add {
        name: String,
        /// The ISO 4217 currency every amount is in (EUR, USD, GBP, JPY...); USD if not given.
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
    },
    List,
    /// Change a company's settings; what is not given stays as it is.
    Edit {
        /// Company name or id.
        company: String,
        #[arg(long, value_name = "N")]
        name: Option<String>,
        /// The ISO 4217 currency code.
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
    },
}

#[derive(Args)]
struct CompanyArg {
    /// Company name or id.
    #[arg(long, value_name = "C")]
    company: String,
}

#[derive(Subcommand)]
enum WarehouseCmd {
    Add {
        #[command(flatten)]
        company: CompanyArg,
        name: String,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        address: Option<String>,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
        /// Include archived warehouses.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum TypeCmd {
    Add {
        #[command(flatten)]
        company: CompanyArg,
        name: String,
        /// Default low-stock threshold for products of this type.
        #[arg(long, value_name = "N")]
        threshold: i64,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
    },
}

#[derive(Subcommand)]
enum ProductCmd {
    /// Products from one spreadsheet CSV (SKU, name, price, cost, barcode, type, a quantity
    /// per warehouse), all or nothing; see `product template`.
    Import {
        #[command(flatten)]
        company: CompanyArg,
        /// The CSV file (save a spreadsheet as "CSV UTF-8").
        file: PathBuf,
        /// A column's field, repeatable: HEADER=FIELD, FIELD one of sku, name, price, cost,
        /// barcode, type, qty:WAREHOUSE or ignore. Other columns are guessed from their header.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
        /// Check the whole file and print what would be imported; write nothing.
        #[arg(long, conflicts_with = "preview")]
        dry_run: bool,
        /// Print the column mapping, the first rows and every bad cell; write nothing
        /// (exit 0 even when the file has errors: `error_count` says how many).
        #[arg(long)]
        preview: bool,
    },
    /// The header line of a spreadsheet that `product import` reads, for the company's
    /// warehouses.
    Template {
        #[command(flatten)]
        company: CompanyArg,
        /// Write it to this new file instead of printing it.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    Add {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        /// Unit price, a decimal such as 19.99.
        #[arg(long, value_name = "P", allow_hyphen_values = true)]
        price: String,
        /// Cost price, a decimal such as 7.40.
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        cost: Option<String>,
        /// Product type name or id.
        #[arg(long = "type", value_name = "T")]
        product_type: Option<String>,
        #[arg(long, value_name = "B")]
        barcode: Option<String>,
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        threshold: Option<i64>,
        /// Opening stock, repeatable: WAREHOUSE=QTY.
        #[arg(long = "stock", value_name = "WAREHOUSE=QTY", value_parser = parse_assignment)]
        stock: Vec<(String, i64)>,
    },
    /// Change a product's catalog fields; what is not given stays as it is.
    Edit {
        #[command(flatten)]
        company: CompanyArg,
        /// The product's current SKU.
        sku: String,
        /// A new SKU (for a product that lost its SKU to another in sync, say).
        #[arg(long, value_name = "SKU")]
        new_sku: Option<String>,
        #[arg(long, value_name = "N")]
        name: Option<String>,
        #[arg(long, value_name = "P", allow_hyphen_values = true)]
        price: Option<String>,
        /// A new cost price; an empty one removes it.
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        cost: Option<String>,
        /// Product type name or id.
        #[arg(long = "type", value_name = "T")]
        product_type: Option<String>,
        /// A new barcode; an empty one removes it.
        #[arg(long, value_name = "B")]
        barcode: Option<String>,
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        threshold: Option<i64>,
        #[arg(long, conflicts_with = "unarchive")]
        archive: bool,
        #[arg(long)]
        unarchive: bool,
    },
    List {
        #[command(flatten)]
        company: CompanyArg,
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only products of this type (name or id).
        #[arg(long = "type", value_name = "T")]
        product_type: Option<String>,
        /// Archived products instead of active ones.
        #[arg(long)]
        archived: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
}

#[derive(Args)]
struct StockArgs {
    #[command(flatten)]
    company: CompanyArg,
    /// Warehouse name, code or id.
    #[arg(long, value_name = "W")]
    warehouse: Option<String>,
    #[arg(long)]
    sku: Option<String>,
}

/// `NAME=QTY` with an integer quantity (the sign is kept so the core can refuse it).
fn parse_assignment(text: &str) -> Result<(String, i64), String> {
    let (name, qty) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("expected NAME=QTY, got \"{text}\""))?;
    let qty = qty
        .trim()
        .parse()
        .map_err(|_| format!("the quantity in \"{text}\" is not a whole number"))?;
    if name.trim().is_empty() {
        return Err(format!("the name in \"{text}\" is empty"));
    }
    Ok((name.trim().to_owned(), qty))
}

fn main() -> ExitCode {
    let cli = match parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let out = Out { json: cli.json };
    let path = cli.db.clone().unwrap_or_else(paths::default_db_path);
    // A mistyped --db (or STOCKFLOW_DB) must not leave folders and an empty database
    // behind: the file is created, its folder must exist. The app's own default folder is
    // created by the core.
    let explicit =
        cli.db.is_some() || std::env::var_os("STOCKFLOW_DB").is_some_and(|p| !p.is_empty());
    if explicit {
        if let Err(e) = usage::existing_folder(&path) {
            out.error(&e);
            return ExitCode::from(1);
        }
    }
    if let Command::Sync(args) = cli.command {
        let result = Store::open(&path)
            .and_then(|mut store| {
                users::sign_in(&mut store, cli.user.as_deref())
                    .or_else(|e| match store.list_companies() {
                        // A new laptop joining a shop: its users come with the shop.
                        Ok(c) if c.is_empty() => Ok(users::SignedIn::Setup),
                        _ => Err(e),
                    })
                    .map(|_| store)
            })
            .map_err(stockflow_sync_client::SyncError::from)
            .and_then(|mut store| sync::run(&mut store, args, &out));
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                out.error_code(&e.code(), &e.to_string());
                ExitCode::from(1)
            }
        };
    }
    let existed = path.exists();
    let result = Store::open(&path).and_then(|mut store| {
        let signed_in = users::sign_in(&mut store, cli.user.as_deref())?;
        run(&mut store, cli.command, signed_in, &out)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A refused command wrote nothing: a database file it made is not left behind
            // (a mistyped path would otherwise hold an empty database).
            if !existed {
                usage::remove_new_database(&path);
            }
            out.error(&e);
            ExitCode::from(1)
        }
    }
}

/// The command line, or the exit code of a usage mistake (printed: with `--json`, the error
/// object on stdout like any refusal) or of `--help` / `--version`.
fn parse<I, T>(args: I) -> std::result::Result<Cli, ExitCode>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    match Cli::try_parse_from(&args) {
        Ok(cli) => Ok(cli),
        Err(e) => Err(usage::report(&e, usage::wants_json(&args))),
    }
}

fn run(store: &mut Store, command: Command, signed_in: users::SignedIn, out: &Out) -> Result<()> {
    match command {
        // Its errors are the sync client's, not only the core's: `main` runs it.
        Command::Sync(_) => unreachable!("main runs sync before run"),
        Command::User(cmd) => users::run(store, cmd, signed_in, out)?,
        Command::Backup(args) => backup::backup(store, args, out)?,
        Command::Restore(args) => backup::restore(store, args, out)?,
        Command::Export(args) => backup::export(store, args, out)?,
        Command::Device(DeviceCmd::Name { company, name }) => {
            let company = store.find_company(&company.company)?;
            let names = match name {
                Some(name) => store.set_device_name(&company.id, Some(&name))?,
                None => store.device_name(&company.id)?,
            };
            let shown = names.name.clone().unwrap_or_else(|| names.fallback.clone());
            out.created(
                &names,
                format!("This computer is {shown} in {}", company.name),
            );
        }
        Command::Company(CompanyCmd::Add { name, currency }) => {
            let c = store.create_company(&CompanyInput {
                name,
                currency,
                ..Default::default()
            })?;
            out.created(
                &c,
                format!("Created company {} in {} ({})", c.name, c.currency, c.id),
            );
        }
        Command::Company(CompanyCmd::Edit {
            company,
            name,
            currency,
        }) => {
            let current = store.find_company(&company)?;
            let c = store.update_company(
                &current.id,
                &CompanyInput {
                    name: name.unwrap_or(current.name),
                    currency,
                    ..Default::default()
                },
            )?;
            out.created(&c, format!("Saved company {} in {}", c.name, c.currency));
        }
        Command::Company(CompanyCmd::List) => {
            let companies = store.list_companies()?;
            let mut t = Table::new(["name", "default threshold", "currency", "id"]);
            for c in &companies {
                t.row([
                    c.name.clone(),
                    c.default_threshold.to_string(),
                    c.currency.clone(),
                    c.id.clone(),
                ]);
            }
            out.list(&companies, t);
        }
        Command::Warehouse(WarehouseCmd::Add {
            company,
            name,
            code,
            address,
        }) => {
            let company = store.find_company(&company.company)?;
            let w = store.create_warehouse(
                &company.id,
                &WarehouseInput {
                    name,
                    code,
                    address,
                },
            )?;
            out.created(
                &w,
                format!(
                    "Created warehouse {} in {} ({})",
                    w.name, company.name, w.id
                ),
            );
        }
        Command::Warehouse(WarehouseCmd::List { company, all }) => {
            let company = store.find_company(&company.company)?;
            let warehouses = store.list_warehouses(&company.id, all)?;
            let mut t = Table::new(["name", "code", "address", "status", "id"]);
            for w in &warehouses {
                t.row([
                    w.name.clone(),
                    w.code.clone().unwrap_or_default(),
                    w.address.clone().unwrap_or_default(),
                    if w.archived { "archived" } else { "active" }.into(),
                    w.id.clone(),
                ]);
            }
            out.list(&warehouses, t);
        }
        Command::ProductType(TypeCmd::Add {
            company,
            name,
            threshold,
        }) => {
            let company = store.find_company(&company.company)?;
            let t = store.create_product_type(
                &company.id,
                &ProductTypeInput {
                    name,
                    default_threshold: threshold,
                    count_frequency_days: None,
                },
            )?;
            out.created(
                &t,
                format!(
                    "Created product type {} (threshold {})",
                    t.name, t.default_threshold
                ),
            );
        }
        Command::ProductType(TypeCmd::List { company }) => {
            let company = store.find_company(&company.company)?;
            let types = store.list_product_types(&company.id)?;
            let mut t = Table::new(["name", "default threshold", "products", "id"]);
            for pt in &types {
                t.row([
                    pt.name.clone(),
                    pt.default_threshold.to_string(),
                    pt.product_count.to_string(),
                    pt.id.clone(),
                ]);
            }
            out.list(&types, t);
        }
        Command::Product(ProductCmd::Add {
            company,
            sku,
            name,
            price,
            cost,
            product_type,
            barcode,
            threshold,
            stock,
        }) => {
            let company = store.find_company(&company.company)?;
            let product_type_id = product_type
                .map(|t| store.find_product_type(&company.id, &t).map(|t| t.id))
                .transpose()?;
            let initial_stock = stock
                .iter()
                .map(|(warehouse, quantity)| {
                    Ok(InitialStock {
                        warehouse_id: store.find_warehouse(&company.id, warehouse)?.id,
                        quantity: *quantity,
                    })
                })
                .collect::<Result<_>>()?;
            let p = store.create_product(
                &company.id,
                &ProductInput {
                    sku,
                    name,
                    price,
                    barcode,
                    product_type_id,
                    threshold,
                    warehouse_thresholds: Vec::new(),
                    initial_stock,
                    cost,
                },
            )?;
            let on_hand: i64 = p.stock.iter().map(|s| s.on_hand).sum();
            out.created(
                &p,
                format!(
                    "Created product {} \"{}\" at {}, {} on hand",
                    p.sku, p.name, p.price, on_hand
                ),
            );
        }
        Command::Product(ProductCmd::Import {
            company,
            file,
            map,
            dry_run,
            preview,
        }) => {
            let company = store.find_company(&company.company)?;
            let mapping = parse_column_map(&map)?;
            if preview {
                let p = store.preview_spreadsheet(&company.id, &file, &mapping)?;
                if out.json {
                    output::print_json(&p);
                } else {
                    print_spreadsheet_preview(&p);
                }
            } else {
                let summary = store.import_spreadsheet(&company.id, &file, &mapping, dry_run)?;
                let verb = if dry_run { "Would import" } else { "Imported" };
                out.created(
                    &summary,
                    format!(
                        "{verb} {} products with {} opening stock lines ({} units)",
                        summary.products, summary.stock_lines, summary.units
                    ),
                );
            }
        }
        Command::Product(ProductCmd::Template { company, output }) => {
            let company = store.find_company(&company.company)?;
            let csv = store.spreadsheet_template(&company.id)?;
            let columns: Vec<&str> = csv.trim_end().split(',').collect();
            match output {
                Some(path) => {
                    use std::io::Write;
                    let written = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .and_then(|mut f| f.write_all(csv.as_bytes()));
                    if let Err(e) = written {
                        return Err(Error::validation(
                            "output",
                            format!("cannot write {}: {e}", path.display()),
                        ));
                    }
                    out.created(
                        &serde_json::json!({ "file": path, "columns": columns, "csv": csv }),
                        format!("Wrote the template to {}", path.display()),
                    );
                }
                None if out.json => {
                    output::print_json(&serde_json::json!({ "columns": columns, "csv": csv }))
                }
                None => output::print_line(csv.trim_end()),
            }
        }
        Command::Product(ProductCmd::Edit {
            company,
            sku,
            new_sku,
            name,
            price,
            cost,
            product_type,
            barcode,
            threshold,
            archive,
            unarchive,
        }) => {
            let company = store.find_company(&company.company)?;
            let current = store.find_product_by_sku(&company.id, &sku)?;
            let product_type_id = match product_type {
                Some(t) => Some(store.find_product_type(&company.id, &t)?.id),
                None => current.product_type_id.clone(),
            };
            let mut p = store.update_product(
                &current.id,
                &ProductInput {
                    sku: new_sku.unwrap_or_else(|| current.sku.clone()),
                    name: name.unwrap_or_else(|| current.name.clone()),
                    price: price.unwrap_or_else(|| current.price.to_string()),
                    barcode: match barcode {
                        Some(b) if b.trim().is_empty() => None,
                        Some(b) => Some(b),
                        None => current.barcode.clone(),
                    },
                    product_type_id,
                    threshold: threshold.or(current.threshold),
                    warehouse_thresholds: current.warehouse_thresholds.clone(),
                    initial_stock: Vec::new(),
                    cost,
                },
            )?;
            if archive || unarchive {
                p = store.set_product_archived(&p.id, archive)?;
            }
            out.created(
                &p,
                format!(
                    "Saved product {} \"{}\" at {}{}",
                    p.sku,
                    p.name,
                    p.price,
                    if p.archived { " (archived)" } else { "" }
                ),
            );
        }
        Command::Product(ProductCmd::List {
            company,
            search,
            product_type,
            archived,
            limit,
            offset,
        }) => {
            let company = store.find_company(&company.company)?;
            let product_type_id = product_type
                .map(|t| store.find_product_type(&company.id, &t).map(|t| t.id))
                .transpose()?;
            let page = store.list_products(&ProductQuery {
                company_id: company.id,
                search,
                product_type_id,
                archived: if archived {
                    ArchivedFilter::Archived
                } else {
                    ArchivedFilter::Active
                },
                sort: ProductSort::Sku,
                descending: false,
                limit,
                offset,
            })?;
            let mut t = Table::new(["sku", "name", "type", "price", "on hand"]);
            for p in &page.items {
                t.row([
                    p.sku.clone(),
                    p.name.clone(),
                    p.product_type_name.clone().unwrap_or_default(),
                    p.price.to_string(),
                    p.on_hand.to_string(),
                ]);
            }
            let shown = page.items.len();
            out.page(&page, t, format!("{shown} of {} products", page.total));
        }
        Command::Stock(StockArgs {
            company,
            warehouse,
            sku,
        }) => {
            let company = store.find_company(&company.company)?;
            let warehouse_id = warehouse
                .map(|w| store.find_warehouse(&company.id, &w).map(|w| w.id))
                .transpose()?;
            if let Some(sku) = &sku {
                store.find_product_by_sku(&company.id, sku)?;
            }
            let rows = store.list_stock(&StockQuery {
                company_id: company.id,
                warehouse_id,
                sku,
            })?;
            let mut t = Table::new(["sku", "warehouse", "on_hand", "available"]);
            for r in &rows {
                t.row([
                    r.sku.clone(),
                    r.warehouse.clone(),
                    r.on_hand.to_string(),
                    r.available.to_string(),
                ]);
            }
            out.list(&rows, t);
        }
        Command::Receive(args) => {
            let (company, warehouse, lines) = resolve_move(store, &args)?;
            let r = store.receive_stock(
                &company,
                &ReceiptInput {
                    warehouse_id: warehouse,
                    lines,
                    note: None,
                },
            )?;
            print_movements(out, &r);
        }
        Command::Sell(args) => {
            let (company, warehouse, lines) = resolve_move(store, &args)?;
            let lines = lines
                .into_iter()
                .map(|l| SaleLineInput {
                    product_id: l.product_id,
                    quantity: l.quantity,
                    unit_price: None,
                })
                .collect();
            let sale = store.record_sale(
                &company,
                &SaleInput {
                    warehouse_id: warehouse,
                    lines,
                    note: None,
                },
            )?;
            print_sale(out, &sale, "Sold");
        }
        Command::Return(args) => {
            let company = store.find_company(&args.company.company)?;
            let warehouse = store.find_warehouse(&company.id, &args.warehouse)?;
            let sale = store.get_sale(&args.sale)?;
            if sale.company_id == company.id && sale.warehouse_id != warehouse.id {
                return Err(Error::validation(
                    "warehouse",
                    format!(
                        "sale {} was made in {}, not {}",
                        sale.id, sale.warehouse_name, warehouse.name
                    ),
                ));
            }
            let lines = product_lines(store, &company.id, &args.lines)?;
            let sale = store.record_return(
                &company.id,
                &ReturnInput {
                    sale_id: args.sale,
                    lines,
                    note: None,
                },
            )?;
            print_sale(out, &sale, "Returned on");
        }
        Command::Adjust(args) => {
            let company = store.find_company(&args.company.company)?;
            let warehouse = store.find_warehouse(&company.id, &args.warehouse)?.id;
            let lines = product_lines(store, &company.id, &args.lines)?;
            let r = store.adjust_stock(
                &company.id,
                &AdjustmentInput {
                    warehouse_id: warehouse,
                    reason: args.reason,
                    lines,
                    note: None,
                },
            )?;
            print_movements(out, &r);
        }
        Command::Transfer(args) => {
            let company = store.find_company(&args.company.company)?;
            let from = store.find_warehouse(&company.id, &args.from)?.id;
            let to = store.find_warehouse(&company.id, &args.to)?.id;
            let lines = product_lines(store, &company.id, &args.lines)?;
            let r = store.transfer_stock(
                &company.id,
                &TransferInput {
                    from_warehouse_id: from,
                    to_warehouse_id: to,
                    lines,
                    note: None,
                },
            )?;
            print_movements(out, &r);
        }
        Command::Kit(KitCmd::Set {
            company,
            sku,
            components,
        }) => {
            let company = store.find_company(&company.company)?;
            let kit = store.find_product_by_sku(&company.id, &sku)?;
            let lines = product_lines(store, &company.id, &components)?;
            let kit = store.set_kit_components(&kit.id, &lines)?;
            let recipe: Vec<String> = kit
                .components
                .iter()
                .map(|c| format!("{} x {}", c.quantity, c.sku))
                .collect();
            out.created(&kit, format!("Kit {} = {}", kit.sku, recipe.join(" + ")));
        }
        Command::History(args) => {
            let company = store.find_company(&args.company.company)?;
            let product_id = args
                .sku
                .map(|s| store.find_product_by_sku(&company.id, &s).map(|p| p.id))
                .transpose()?;
            let warehouse_id = args
                .warehouse
                .map(|w| store.find_warehouse(&company.id, &w).map(|w| w.id))
                .transpose()?;
            let page = store.list_movements(&HistoryQuery {
                company_id: company.id,
                product_id,
                warehouse_id,
                kind: args.kind,
                limit: args.limit,
                ..Default::default()
            })?;
            let mut t = Table::new([
                "when",
                "kind",
                "sku",
                "warehouse",
                "quantity",
                "reason",
                "by",
                "computer",
            ]);
            for m in &page.items {
                t.row([
                    m.occurred_at.clone(),
                    m.kind.as_str().into(),
                    m.sku.clone(),
                    m.warehouse_name.clone(),
                    signed(m.kind, m.quantity),
                    m.reason.clone().unwrap_or_default(),
                    m.user_name.clone().unwrap_or_default(),
                    m.device_name.clone(),
                ]);
            }
            let more = if page.has_more {
                " (older movements not shown: raise --limit)"
            } else {
                ""
            };
            out.page(&page, t, format!("{} movements{more}", page.items.len()));
        }
        Command::Supplier(cmd) => supplier_command(store, cmd, out)?,
        Command::Po(cmd) => po_command(store, cmd, out)?,
        Command::Count(cmd) => count_command(store, cmd, out)?,
        Command::Import { dir } => {
            let started = std::time::Instant::now();
            let mut bar = output::Progress::new("importing");
            let summary = store.import_dir(&dir, &mut |p| {
                bar.show(&p.file, p.done_bytes, p.total_bytes)
            })?;
            bar.finish();
            let secs = started.elapsed().as_secs_f64();
            out.created(
                &summary,
                format!(
                    "Imported {} companies, {} warehouses, {} products, {} suppliers, {} sales and {} stock rows in {secs:.1} s",
                    summary.companies, summary.warehouses, summary.products, summary.suppliers, summary.sales, summary.inventory
                ),
            );
        }
        Command::Alerts(args) => {
            let page = store.low_stock_alerts(&AlertQuery {
                limit: args.limit,
                offset: args.offset,
                ..alert_query(store, args.filters)?
            })?;
            out.page_with(&page, || {
                let mut t = Table::new([
                    "days",
                    "sku",
                    "warehouse",
                    "on hand",
                    "threshold",
                    "sold",
                    "order",
                    "by",
                    "supplier",
                ]);
                for a in &page.alerts {
                    t.row([
                        a.days_until_stockout.to_string(),
                        a.sku.clone(),
                        a.warehouse_name.clone(),
                        a.current_stock.to_string(),
                        a.threshold.to_string(),
                        a.recent_sales.to_string(),
                        a.suggested_order_qty.to_string(),
                        a.reorder_by.clone(),
                        a.supplier
                            .as_ref()
                            .map(|s| s.name.clone())
                            .unwrap_or_default(),
                    ]);
                }
                let summary = format!("{} of {} alerts", page.alerts.len(), page.total_alerts);
                (t, summary)
            });
        }
    }
    Ok(())
}

fn supplier_command(store: &mut Store, cmd: SupplierCmd, out: &Out) -> Result<()> {
    match cmd {
        SupplierCmd::Add {
            company,
            name,
            email,
            phone,
        } => {
            let company = store.find_company(&company.company)?;
            let input = SupplierInput {
                name,
                contact_email: email,
                phone,
                ..Default::default()
            };
            let s = store.create_supplier(&company.id, &input)?;
            out.created(
                &s,
                format!(
                    "Created supplier {} <{}> ({})",
                    s.name, s.contact_email, s.id
                ),
            );
        }
        SupplierCmd::Link {
            company,
            supplier,
            sku,
            lead_time,
            cost,
            moq,
            multiple,
            preferred,
            supplier_sku,
        } => {
            let company = store.find_company(&company.company)?;
            let supplier = store.find_supplier(&company.id, &supplier)?;
            let product = store.find_product_by_sku(&company.id, &sku)?;
            let input = ProductSupplierInput {
                supplier_sku,
                lead_time_days: lead_time,
                unit_cost: cost,
                moq,
                pack_multiple: multiple,
                preferred,
            };
            let l = store.link_supplier(&product.id, &supplier.id, &input)?;
            let star = if l.preferred { ", preferred" } else { "" };
            out.created(
                &l,
                format!(
                    "{} supplies {} at {} in {} days (MOQ {}, packs of {}{star})",
                    l.supplier_name, l.sku, l.unit_cost, l.lead_time_days, l.moq, l.pack_multiple
                ),
            );
        }
        SupplierCmd::List { company } => {
            let company = store.find_company(&company.company)?;
            let suppliers = store.list_suppliers(&company.id, false)?;
            let mut t = Table::new([
                "name",
                "email",
                "products",
                "lead time (learned / promised)",
                "id",
            ]);
            for s in &suppliers {
                let days = |d: Option<i64>| d.map_or("-".to_owned(), |d| format!("{d} d"));
                t.row([
                    s.name.clone(),
                    s.contact_email.clone(),
                    s.product_count.to_string(),
                    format!(
                        "{} / {}",
                        days(s.learned_lead_time_days),
                        days(s.promised_lead_time_days)
                    ),
                    s.id.clone(),
                ]);
            }
            out.list(&suppliers, t);
        }
    }
    Ok(())
}

fn po_command(store: &mut Store, cmd: PoCmd, out: &Out) -> Result<()> {
    match cmd {
        PoCmd::Create {
            company,
            supplier,
            warehouse,
            lines,
            costs,
            confirm,
        } => {
            let company = store.find_company(&company.company)?;
            let supplier = store.find_supplier(&company.id, &supplier)?;
            let warehouse = store.find_warehouse(&company.id, &warehouse)?;
            let lines = lines
                .iter()
                .map(|(sku, quantity)| {
                    let unit_cost = costs
                        .iter()
                        .find(|(s, _)| s.eq_ignore_ascii_case(sku))
                        .map(|(_, c)| c.clone());
                    Ok(PurchaseOrderLineInput {
                        product_id: store.find_product_by_sku(&company.id, sku)?.id,
                        quantity: *quantity,
                        unit_cost,
                    })
                })
                .collect::<Result<_>>()?;
            let input = PurchaseOrderInput {
                supplier_id: supplier.id,
                warehouse_id: warehouse.id,
                lines,
                note: None,
                confirm_new_links: confirm,
            };
            let po = store.create_purchase_order(&company.id, &input)?;
            print_order(out, &po, "Created");
        }
        PoCmd::Send { id } => {
            let po = store.send_purchase_order(&id)?;
            print_order(out, &po, "Sent");
        }
        PoCmd::Receive { id, lines, confirm } => {
            let order = store.get_purchase_order(&id)?;
            let lines = product_lines(store, &order.company_id, &lines)?;
            let po = store.receive_purchase_order(
                &id,
                &ReceiveOrderInput {
                    lines,
                    confirm_over_receipt: confirm,
                },
            )?;
            print_order(out, &po, "Received on");
        }
        PoCmd::Cancel { id } => {
            let po = store.cancel_purchase_order(&id)?;
            print_order(out, &po, "Cancelled");
        }
        PoCmd::List { company, status } => {
            let company = store.find_company(&company.company)?;
            let page = store.list_purchase_orders(&PurchaseOrderQuery {
                company_id: company.id,
                status,
                limit: 500,
                ..Default::default()
            })?;
            let mut t = Table::new([
                "created",
                "supplier",
                "warehouse",
                "status",
                "received",
                "total",
                "id",
            ]);
            for o in &page.items {
                t.row([
                    o.created_at.clone(),
                    o.supplier_name.clone(),
                    o.warehouse_name.clone(),
                    status_words(o.status).into(),
                    format!("{} / {}", o.units_received, o.units_ordered),
                    o.total.to_string(),
                    o.id.clone(),
                ]);
            }
            out.page(&page, t, format!("{} purchase orders", page.total));
        }
        PoCmd::FromAlerts { filters } => {
            let query = alert_query(store, filters)?;
            let drafted = store.draft_orders_from_alerts(&DraftFromAlertsInput {
                query,
                selection: None,
            })?;
            print_drafted(out, &drafted);
        }
    }
    Ok(())
}

fn print_drafted(out: &Out, d: &DraftedOrders) {
    let mut text = match d.orders.len() {
        0 => "No purchase order drafted".to_owned(),
        1 => "Drafted 1 purchase order".to_owned(),
        n => format!("Drafted {n} purchase orders"),
    };
    for po in &d.orders {
        text.push_str(&format!(
            "\n{} to {} for {}, total {}",
            po.id, po.supplier_name, po.warehouse_name, po.total
        ));
        for l in &po.lines {
            text.push_str(&format!(
                "\n  {} {}: {} at {}",
                l.sku, l.product_name, l.quantity_ordered, l.unit_cost
            ));
        }
    }
    if !d.skipped.is_empty() {
        text.push_str(&format!("\nNot ordered ({}):", d.skipped.len()));
        for s in &d.skipped {
            text.push_str(&format!(
                "\n  {} in {}: {}",
                s.sku, s.warehouse_name, s.message
            ));
        }
    }
    out.created(d, text);
}

fn count_command(store: &mut Store, cmd: CountCmd, out: &Out) -> Result<()> {
    match cmd {
        CountCmd::Start {
            company,
            warehouse,
            product_type,
            skus,
            open,
        } => {
            let company = store.find_company(&company.company)?;
            let warehouse = store.find_warehouse(&company.id, &warehouse)?;
            let scope = match (product_type, skus.is_empty()) {
                (Some(t), _) => CountScope::ProductType {
                    product_type_id: store.find_product_type(&company.id, &t)?.id,
                },
                (None, false) => CountScope::Products {
                    product_ids: skus
                        .iter()
                        .map(|s| store.find_product_by_sku(&company.id, s).map(|p| p.id))
                        .collect::<Result<_>>()?,
                },
                (None, true) => CountScope::All,
            };
            let session = store.start_count(
                &company.id,
                &CountSessionInput {
                    warehouse_id: warehouse.id,
                    scope,
                    blind: !open,
                },
            )?;
            out.created(
                &session,
                format!(
                    "Started count {} of {} ({} products in scope)",
                    session.id, session.warehouse_name, session.in_scope
                ),
            );
        }
        CountCmd::Scan {
            id,
            code,
            qty,
            confirm,
        } => {
            let line = store.scan(
                &id,
                &ScanInput {
                    code,
                    quantity: qty,
                    confirm_out_of_scope: confirm,
                },
            )?;
            out.created(
                &line,
                format!("{} {}: {} counted", line.sku, line.name, line.counted),
            );
        }
        CountCmd::Review { id } => {
            let review = store.review_count(&id)?;
            print_review(out, &review);
        }
        CountCmd::Commit { id, zero_uncounted } => {
            let choice = if zero_uncounted {
                UncountedChoice::TreatAsZero
            } else {
                UncountedChoice::Leave
            };
            let review = store.commit_count(&id, choice)?;
            print_review(out, &review);
        }
        CountCmd::List { company } => {
            let company = store.find_company(&company.company)?;
            let counts = store.list_open_counts(&company.id)?;
            let mut t = Table::new(["started", "warehouse", "counted", "in scope", "id"]);
            for c in &counts {
                t.row([
                    c.started_at.clone(),
                    c.warehouse_name.clone(),
                    c.counted.to_string(),
                    c.in_scope.to_string(),
                    c.id.clone(),
                ]);
            }
            out.list(&counts, t);
        }
    }
    Ok(())
}

fn print_review(out: &Out, review: &CountReview) {
    let mut text: Vec<String> = review
        .lines
        .iter()
        .map(|l| {
            let since = if l.movements_since.is_empty() {
                String::new()
            } else {
                format!(
                    ", {} movements since: on hand after commit {}",
                    l.movements_since.len(),
                    l.on_hand_after
                )
            };
            format!(
                "  {} counted {} expected {} variance {:+}{since}",
                l.sku, l.counted, l.expected, l.variance
            )
        })
        .collect();
    for u in &review.uncounted {
        text.push(format!("  {} not counted ({} on hand)", u.sku, u.on_hand));
    }
    let status = match review.session.status {
        CountStatus::Open => "open",
        CountStatus::Paused => "paused",
        CountStatus::Committed => "committed",
        CountStatus::Cancelled => "cancelled",
    };
    out.created(
        review,
        format!(
            "Count {} of {} ({status})\n{}",
            review.session.id,
            review.session.warehouse_name,
            text.join("\n")
        ),
    );
}

fn status_words(status: PurchaseOrderStatus) -> &'static str {
    match status {
        PurchaseOrderStatus::Draft => "draft",
        PurchaseOrderStatus::Sent => "sent",
        PurchaseOrderStatus::PartiallyReceived => "partially received",
        PurchaseOrderStatus::Received => "received",
        PurchaseOrderStatus::Cancelled => "cancelled",
    }
}

fn print_order(out: &Out, po: &PurchaseOrder, verb: &str) {
    let lines: Vec<String> = po
        .lines
        .iter()
        .map(|l| {
            format!(
                "  {} {}: {} received of {} at {}",
                l.sku, l.product_name, l.quantity_received, l.quantity_ordered, l.unit_cost
            )
        })
        .collect();
    let expected = po
        .expected_at
        .as_deref()
        .map(|e| format!(", expected {e}"))
        .unwrap_or_default();
    out.created(
        po,
        format!(
            "{verb} purchase order {} to {} for {} ({}{expected}), total {}\n{}",
            po.id,
            po.supplier_name,
            po.warehouse_name,
            status_words(po.status),
            po.total,
            lines.join("\n")
        ),
    );
}

/// The company, the warehouse and the lines (SKUs resolved to products) of a movement command.
fn resolve_move(store: &Store, args: &MoveArgs) -> Result<(String, String, Vec<QuantityLine>)> {
    let company = store.find_company(&args.company.company)?;
    let warehouse = store.find_warehouse(&company.id, &args.warehouse)?;
    let lines = product_lines(store, &company.id, &args.lines)?;
    Ok((company.id, warehouse.id, lines))
}

fn product_lines(
    store: &Store,
    company_id: &str,
    lines: &[(String, i64)],
) -> Result<Vec<QuantityLine>> {
    lines
        .iter()
        .map(|(sku, quantity)| {
            Ok(QuantityLine {
                product_id: store.find_product_by_sku(company_id, sku)?.id,
                quantity: *quantity,
            })
        })
        .collect()
}

fn signed(kind: MovementKind, quantity: i64) -> String {
    match kind {
        MovementKind::Count => format!("={quantity}"),
        _ => format!("{quantity:+}"),
    }
}

fn print_movements(out: &Out, result: &MovementResult) {
    let mut t = Table::new(["kind", "sku", "warehouse", "quantity"]);
    for m in &result.movements {
        t.row([
            m.kind.as_str().into(),
            m.sku.clone(),
            m.warehouse_name.clone(),
            signed(m.kind, m.quantity),
        ]);
    }
    out.list(&result.movements, t);
}

fn print_sale(out: &Out, sale: &Sale, verb: &str) {
    let lines: Vec<String> = sale
        .lines
        .iter()
        .map(|l| {
            let returned = if l.returned > 0 {
                format!(" ({} returned)", l.returned)
            } else {
                String::new()
            };
            format!(
                "  {} x {} at {} = {}{returned}",
                l.quantity, l.sku, l.unit_price, l.line_total
            )
        })
        .collect();
    out.created(
        sale,
        format!(
            "{verb} sale {} in {}, total {}\n{}",
            sale.id,
            sale.warehouse_name,
            sale.total,
            lines.join("\n")
        ),
    );
}

/// A spreadsheet preview as text: the mapping, then every bad cell, then the verdict.
fn print_spreadsheet_preview(p: &SpreadsheetPreview) {
    let columns: Vec<String> = p
        .mapping
        .iter()
        .map(|m| {
            format!(
                "{} -> {}",
                m.header,
                m.field.as_deref().unwrap_or("(ignored)")
            )
        })
        .collect();
    output::print_line(&format!(
        "{}: {} rows; columns: {}",
        p.file,
        p.total_rows,
        columns.join(", ")
    ));
    if !p.missing_fields.is_empty() {
        output::print_line(&format!(
            "not mapped: {} (use --map \"HEADER=FIELD\")",
            p.missing_fields.join(", ")
        ));
    }
    for e in &p.errors {
        output::print_line(&format!(
            "line {}, column {}: {}",
            e.line, e.column, e.message
        ));
    }
    if p.error_count > p.errors.len() {
        output::print_line(&format!("... and {} more", p.error_count - p.errors.len()));
    }
    if !p.missing_fields.is_empty() {
        output::print_line("Map the missing fields, then preview again: nothing would be imported");
    } else if p.error_count == 0 {
        output::print_line(&format!("It imports: {} products", p.total_rows));
    } else {
        output::print_line(&format!(
            "{} errors: nothing would be imported",
            p.error_count
        ));
    }
}
