//! What the CLI prints: JSON on stdout with `--json`, else aligned tables and plain sentences.

use serde::Serialize;
use serde_json::json;
use stockflow_core::Error;

pub struct Out {
    pub json: bool,
}

impl Out {
    /// A new or changed record: the record as JSON, or one sentence.
    pub fn created<T: Serialize>(&self, value: &T, sentence: String) {
        if self.json {
            print_json(value);
        } else {
            println!("{sentence}");
        }
    }

    /// A list: a JSON array, or a table.
    pub fn list<T: Serialize>(&self, values: &[T], table: Table) {
        if self.json {
            print_json(&values);
        } else {
            table.print();
        }
    }

    /// A page of a longer list: the page as JSON (items and total), or a table and a summary.
    pub fn page<T: Serialize>(&self, page: &T, table: Table, summary: String) {
        if self.json {
            print_json(page);
        } else {
            table.print();
            println!("{summary}");
        }
    }

    /// A refusal: `{"error":{"code","message","field"?}}` on stdout with `--json`, else a
    /// sentence on stderr. Storage details are printed too: this is the support tool.
    pub fn error(&self, e: &Error) {
        if self.json {
            let mut error = json!({ "code": e.code(), "message": e.to_string() });
            if let Some(field) = e.field() {
                error["field"] = json!(field);
            }
            print_json(&json!({ "error": error }));
        } else {
            eprintln!("error: {e}");
        }
    }
}

impl Out {
    /// A refusal from outside the core (the sync server, the network), same shape.
    pub fn error_code(&self, code: &str, message: &str) {
        if self.json {
            print_json(&json!({ "error": { "code": code, "message": message } }));
        } else {
            eprintln!("error: {message}");
        }
    }
}

fn print_json<T: Serialize + ?Sized>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("our types serialize")
    );
}

pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<const N: usize>(header: [&str; N]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<const N: usize>(&mut self, cells: [String; N]) {
        self.rows.push(cells.into());
    }

    fn print(&self) {
        if self.rows.is_empty() {
            println!("(none)");
            return;
        }
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            println!("{}", padded.join("  ").trim_end());
        };
        line(&self.header);
        for row in &self.rows {
            line(row);
        }
    }
}

/// A progress bar on stderr, redrawn in place when stderr is a terminal, else a line per
/// tenth so logs stay readable.
pub struct Progress {
    label: &'static str,
    terminal: bool,
    last: u64,
}

impl Progress {
    pub fn new(label: &'static str) -> Progress {
        use std::io::IsTerminal;
        Progress {
            label,
            terminal: std::io::stderr().is_terminal(),
            last: u64::MAX,
        }
    }

    pub fn show(&mut self, what: &str, done: u64, total: u64) {
        let percent = (done * 100).checked_div(total).unwrap_or(100).min(100);
        if self.terminal {
            if percent != self.last {
                let filled = (percent / 4) as usize;
                eprint!(
                    "\r{} [{}{}] {percent:>3}% {what:<24}",
                    self.label,
                    "#".repeat(filled),
                    " ".repeat(25 - filled)
                );
            }
        } else if percent / 10 != self.last / 10 || self.last == u64::MAX {
            eprintln!("{} {percent}% ({what})", self.label);
        }
        self.last = percent;
    }

    pub fn finish(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}
