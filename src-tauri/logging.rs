//! Tracing to stderr and to a daily rolling file in the OS log directory. `RUST_LOG` filters.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Keeps the file writer flushing until the app exits.
pub struct Logs {
    pub dir: Option<PathBuf>,
    _guard: Option<WorkerGuard>,
}

pub fn init() -> Logs {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn"));
    let dir = stockflow_core::paths::log_dir();
    let file = dir.as_ref().and_then(|dir| {
        std::fs::create_dir_all(dir).ok()?;
        let appender = tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("stockflow")
            .filename_suffix("log")
            .max_log_files(14)
            .build(dir)
            .ok()?;
        Some(tracing_appender::non_blocking(appender))
    });
    let (writer, guard) = file.unzip();
    let file_layer = writer.map(|w| fmt::layer().with_ansi(false).with_writer(w));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .init();
    if dir.is_none() {
        tracing::warn!("no log directory on this system: logging to stderr only");
    }
    Logs { dir, _guard: guard }
}
