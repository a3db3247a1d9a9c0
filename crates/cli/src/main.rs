//! `stockflow-cli`: the same core as the app, from a terminal (DESIGN §8).
//!
//! Its commands, flags, JSON field names and exit codes are a public interface that users
//! script against: extend, never rename. Exit status: 0 done, 1 refused by a rule (nothing
//! written), 2 a usage mistake.

mod alerts_json;
mod commands;
#[cfg(test)]
mod fuzz_tests;
mod output;
mod usage;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stockflow_core::*;

use commands::alerts::AlertArgs;
use commands::catalog::{CompanyCmd, ProductCmd, TypeCmd, WarehouseCmd};
use commands::counts::CountCmd;
use commands::device::DeviceCmd;
use commands::history::HistoryArgs;
use commands::kits::KitCmd;
use commands::purchasing::{PoCmd, SupplierCmd};
use commands::sales::ReturnArgs;
use commands::stock::{AdjustArgs, MoveArgs, StockArgs, TransferArgs};
use commands::{backup, sync, users};
use output::Out;

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
        Command::Sync(_) => unreachable!("main runs sync before run"),
        Command::User(cmd) => users::run(store, cmd, signed_in, out)?,
        Command::Backup(args) => backup::backup(store, args, out)?,
        Command::Restore(args) => backup::restore(store, args, out)?,
        Command::Export(args) => backup::export(store, args, out)?,
        Command::Device(cmd) => commands::device::run(store, cmd, out)?,
        Command::Company(cmd) => commands::catalog::company(store, cmd, out)?,
        Command::Warehouse(cmd) => commands::catalog::warehouse(store, cmd, out)?,
        Command::ProductType(cmd) => commands::catalog::product_type(store, cmd, out)?,
        Command::Product(cmd) => commands::catalog::product(store, cmd, out)?,
        Command::Stock(args) => commands::stock::list(store, args, out)?,
        Command::Receive(args) => commands::stock::receive(store, args, out)?,
        Command::Sell(args) => commands::sales::sell(store, args, out)?,
        Command::Return(args) => commands::sales::record_return(store, args, out)?,
        Command::Adjust(args) => commands::stock::adjust(store, args, out)?,
        Command::Transfer(args) => commands::stock::transfer(store, args, out)?,
        Command::Kit(cmd) => commands::kits::run(store, cmd, out)?,
        Command::History(args) => commands::history::run(store, args, out)?,
        Command::Supplier(cmd) => commands::purchasing::supplier(store, cmd, out)?,
        Command::Po(cmd) => commands::purchasing::po(store, cmd, out)?,
        Command::Count(cmd) => commands::counts::run(store, cmd, out)?,
        Command::Import { dir } => commands::import::run(store, dir, out)?,
        Command::Alerts(args) => commands::alerts::run(store, args, out)?,
    }
    Ok(())
}
