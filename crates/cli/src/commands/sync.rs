//! `stockflow-cli sync --server URL --account EMAIL` (DESIGN §8): push this device's changes,
//! then pull the others'. With `--json`: `{"pushed","pulled","conflicts":[..]}`.

use std::ops::ControlFlow;

use clap::Args;
use stockflow_core::Store;
use stockflow_sync_client::{Progress, SyncError};

use crate::output::{self, Out};

/// The sync account's password, when not typed at a prompt.
const PASSWORD_VAR: &str = "STOCKFLOW_SYNC_PASSWORD";

#[derive(Args)]
pub struct SyncArgs {
    /// The sync server, e.g. https://sync.example.com (http:// only to this machine).
    #[arg(long, value_name = "URL")]
    server: String,
    /// The shop's server account (password from STOCKFLOW_SYNC_PASSWORD, else a prompt).
    #[arg(long, value_name = "EMAIL")]
    account: String,
}

pub fn run(store: &mut Store, args: SyncArgs, out: &Out) -> Result<(), SyncError> {
    stockflow_sync_client::check_server(&args.server)?;
    let password = match std::env::var(PASSWORD_VAR) {
        Ok(p) => p,
        Err(_) => super::users::prompt(
            &format!("Password for {} on the server", args.account),
            PASSWORD_VAR,
        )?,
    };
    let mut bar = output::Progress::new("sync");
    let mut shown = false;
    let report =
        stockflow_sync_client::sync(store, &args.server, &args.account, &password, &mut |p| {
            shown = true;
            match p {
                Progress::Pushed { done, waiting } => bar.show(
                    &format!("sent {done}"),
                    done as u64,
                    (done + waiting) as u64,
                ),
                Progress::Pulled { done, .. } => bar.show(&format!("received {done}"), 1, 1),
            }
            ControlFlow::Continue(())
        });
    if shown {
        bar.finish();
    }
    let report = report?;
    let conflicts = report.conflicts.len();
    out.created(
        &report,
        format!(
            "Synced: {} sent, {} received{}",
            report.pushed,
            report.pulled,
            match conflicts {
                0 => String::new(),
                n => format!(", {n} conflict(s) to resolve (same SKU or barcode on two products)"),
            }
        ),
    );
    Ok(())
}
