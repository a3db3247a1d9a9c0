//! Usage mistakes (exit 2) and the checks on the command line made before the database is
//! opened.

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use stockflow_core::Error;

use crate::output::{error_json, print_json};

/// Whether the command line asks for JSON, read from the raw arguments because it may not
/// parse: `--json` anywhere before a `--`.
pub fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// Prints a clap error and gives its exit code: help and version as clap prints them (exit
/// 0); a usage mistake under `--json` as `{"error":{"code":"usage","message","field"}}` on
/// stdout, else clap's message on stderr, exit 2.
pub fn report(e: &clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind;
    let usage_mistake = !matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !(json && usage_mistake) {
        // clap prints help to stdout and mistakes to stderr; a closed pipe is no panic.
        let _ = e.print();
        return ExitCode::from(if usage_mistake { 2 } else { 0 });
    }
    print_json(&usage_json(e));
    ExitCode::from(2)
}

/// A usage mistake as `{"error":{"code":"usage","message","field"}}`: the first line of
/// clap's message, and the argument it is about when there is one.
pub fn usage_json(e: &clap::Error) -> serde_json::Value {
    use clap::error::{ContextKind, ContextValue};
    let field = e.get(ContextKind::InvalidArg).and_then(|v| match v {
        ContextValue::String(s) => Some(arg_name(s)),
        ContextValue::Strings(v) => v.first().map(|s| arg_name(s)),
        _ => None,
    });
    let message = e.render().to_string();
    let message = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    error_json("usage", &message, field.as_deref())
}

/// `--warehouse <WAREHOUSE>` is the field `warehouse`; `<LINES>...` is `lines`.
fn arg_name(shown: &str) -> String {
    let name = shown.split([' ', '=']).next().unwrap_or(shown);
    name.trim_start_matches('-')
        .trim_start_matches('<')
        .trim_end_matches("...")
        .trim_end_matches('>')
        .to_lowercase()
        .replace('_', "-")
}

/// The database file may be new, its folder must exist.
pub fn existing_folder(path: &Path) -> stockflow_core::Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    Err(Error::validation(
        "db",
        format!(
            "There is no folder {}: check the database path (a new database file is created, its folder is not).",
            parent.display()
        ),
    ))
}

/// Removes a database file this run created, with its WAL files.
pub fn remove_new_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_names_become_fields() {
        assert_eq!(arg_name("--warehouse <WAREHOUSE>"), "warehouse");
        assert_eq!(arg_name("<LINES>..."), "lines");
        assert_eq!(arg_name("--window-days=<N>"), "window-days");
    }
}
