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
            print_line(&sentence);
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
            print_line(&summary);
        }
    }

    /// [`Out::page`] whose table is only built when it is printed (not under `--json`).
    pub fn page_with<T: Serialize>(&self, page: &T, table: impl FnOnce() -> (Table, String)) {
        if self.json {
            print_json(page);
        } else {
            let (table, summary) = table();
            table.print();
            print_line(&summary);
        }
    }

    /// A refusal: `{"error":{"code","message","field"}}` on stdout with `--json` (`field`
    /// null when no one input is at fault), else a sentence on stderr. Storage details are
    /// printed too: this is the support tool.
    pub fn error(&self, e: &Error) {
        if self.json {
            print_json(&error_json(e.code(), &e.to_string(), e.field()));
        } else {
            eprint_line(&format!("error: {e}"));
        }
    }
}

impl Out {
    /// A refusal from outside the core (the sync server, the network), same shape.
    pub fn error_code(&self, code: &str, message: &str) {
        if self.json {
            print_json(&error_json(code, message, None));
        } else {
            eprint_line(&format!("error: {message}"));
        }
    }
}

/// The one shape of a refusal under `--json`.
pub fn error_json(code: &str, message: &str, field: Option<&str>) -> serde_json::Value {
    json!({ "error": { "code": code, "message": message, "field": field } })
}

/// The value as pretty JSON on stdout, streamed through a buffer (5 MB of alerts are not
/// built as one string first), then a line break.
pub fn print_json<T: Serialize + ?Sized>(value: &T) {
    use std::io::Write;
    print_streamed(|stdout| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut out,
                Pretty::default(),
            ))
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush())
    });
}

/// What `write` writes, on stdout. A reader that went away ends the program quietly, as in
/// [`print_line`].
pub fn print_streamed(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = write(&mut stdout).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// serde_json's pretty layout (two spaces a level), writing each line break and its
/// indentation at once: 5 MB of alerts are about 150,000 lines.
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// A line break and the indentation of the deepest level written at once.
const LINE: &[u8; 65] = b"\n                                                                ";

impl Pretty {
    fn line<W: ?Sized + std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        let width = 1 + 2 * self.depth;
        if width <= LINE.len() {
            return out.write_all(&LINE[..width]);
        }
        out.write_all(b"\n")?;
        for _ in 0..self.depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        start: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(start)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        end: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out)?;
        }
        out.write_all(end)
    }

    fn item<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            out.write_all(b",")?;
        }
        self.line(out)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(out, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(out, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
    ) -> std::io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// One line on stdout. A reader that went away (`stockflow-cli ... | head`) ends the
/// program quietly: what it did is done, and nobody is left to read the rest. (`println!`
/// panics on the broken pipe.)
pub fn print_line(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// One line on stderr; a closed stderr is not worth a panic.
pub fn eprint_line(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
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
            print_line("(none)");
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
            print_line(padded.join("  ").trim_end());
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
            eprint_line(&format!("{} {percent}% ({what})", self.label));
        }
        self.last = percent;
    }

    pub fn finish(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        name: String,
        count: i64,
        nested: Option<Nested>,
        empty: Vec<i64>,
        empty_map: std::collections::BTreeMap<String, i64>,
    }

    #[derive(Serialize)]
    struct Nested {
        note: String,
        deep: Vec<Vec<Vec<i64>>>,
    }

    #[derive(Serialize)]
    struct Page {
        alerts: Vec<Item>,
        total_alerts: i64,
    }

    fn page(n: usize) -> Page {
        Page {
            alerts: (0..n as i64)
                .map(|i| Item {
                    name: format!("line\nbreak \"{i}\" tab\t\u{e9}"),
                    count: i,
                    nested: (i % 2 == 0).then(|| Nested {
                        note: "x".repeat(i as usize % 5),
                        deep: vec![vec![vec![i, -i], vec![]], vec![]],
                    }),
                    empty: Vec::new(),
                    empty_map: Default::default(),
                })
                .collect(),
            total_alerts: n as i64 + 7,
        }
    }

    fn pretty<T: Serialize>(value: &T) -> String {
        let mut text = Vec::new();
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut text,
                Pretty::default(),
            ))
            .unwrap();
        String::from_utf8(text).unwrap()
    }

    #[test]
    fn the_pretty_layout_is_serde_jsons_to_the_byte() {
        for n in [0, 1, 3] {
            let page = page(n);
            assert_eq!(pretty(&page), serde_json::to_string_pretty(&page).unwrap());
        }
        let deep = (0..40).fold(
            serde_json::json!([1, {"a": []}]),
            |v, _| serde_json::json!({ "k": [v] }),
        );
        for value in [
            serde_json::to_value(page(3)).unwrap(),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!("text"),
            deep,
        ] {
            assert_eq!(
                pretty(&value),
                serde_json::to_string_pretty(&value).unwrap()
            );
        }
    }
}
