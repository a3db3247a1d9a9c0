//! `stockflow-cli backup FILE`, `restore FILE`, `backup --list` and `export --company C DIR`
//! (DESIGN §8, issue #15): the same core functions as Settings > Backup in the app.

use std::path::PathBuf;

use clap::Args;
use stockflow_core::*;

use crate::output::{self, Out, Table};

#[derive(Args)]
pub struct BackupArgs {
    /// Where to write the backup (never the database itself).
    #[arg(value_name = "FILE", required_unless_present_any = ["list", "auto"])]
    file: Option<PathBuf>,
    /// List the automatic backups (and those kept before a restore) instead.
    #[arg(long, conflicts_with_all = ["file", "auto"])]
    list: bool,
    /// Take today's automatic backup if there is none yet, and prune old ones (for a
    /// scheduled task; the app does it when it starts).
    #[arg(long, conflicts_with = "file")]
    auto: bool,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A backup made by StockFlow: checked first; the current database is kept as a backup.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Company name or id.
    #[arg(long, value_name = "C")]
    company: String,
    /// The folder to write companies.csv, ... sales.csv into (created if absent; must not
    /// hold an export already).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

fn size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

pub fn backup(store: &mut Store, args: BackupArgs, out: &Out) -> Result<()> {
    if args.list {
        let files = store.list_backups()?;
        let mut t = Table::new(["taken_at", "kind", "size", "file"]);
        for f in &files {
            t.row([
                f.taken_at.clone(),
                format!("{:?}", f.kind).to_lowercase(),
                size(f.size_bytes),
                f.path.clone(),
            ]);
        }
        out.list(&files, t);
        return Ok(());
    }
    if args.auto {
        // Anyone who may back up may trigger it; listing checks that.
        store.list_backups()?;
        let taken = backup::auto_backup_today(store.path())?;
        let sentence = match &taken {
            Some(f) => format!("Backed up to {} ({})", f.path, size(f.size_bytes)),
            None => "Today's automatic backup is already there".to_owned(),
        };
        out.created(&taken, sentence);
        return Ok(());
    }
    let file = args
        .file
        .expect("clap requires FILE without --list or --auto");
    let mut bar = output::Progress::new("backing up");
    let done = store.backup_to(&file, &mut |p| {
        bar.show("pages", p.done_pages, p.total_pages)
    });
    bar.finish();
    let done = done?;
    out.created(
        &done,
        format!(
            "Backed up to {} ({}), integrity checked",
            done.path,
            size(done.size_bytes)
        ),
    );
    Ok(())
}

pub fn restore(store: &mut Store, args: RestoreArgs, out: &Out) -> Result<()> {
    let summary = store.restore_from(&args.file)?;
    out.created(
        &summary,
        format!(
            "Restored {} ({} companies); the database as it was is kept in {}",
            summary.restored_from, summary.companies, summary.previous.path
        ),
    );
    Ok(())
}

pub fn export(store: &mut Store, args: ExportArgs, out: &Out) -> Result<()> {
    let company = store.find_company(&args.company)?;
    let s = store.export_company(&company.id, &args.dir)?;
    out.created(
        &s,
        format!(
            "Exported {} warehouses, {} products, {} suppliers, {} sales and {} stock rows to {}",
            s.warehouses,
            s.products,
            s.suppliers,
            s.sales,
            s.inventory,
            args.dir.display()
        ),
    );
    Ok(())
}
