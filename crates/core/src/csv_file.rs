//! Reading one CSV file of an import, strictly: the `csv` crate splits records (quotes,
//! doubled quotes, line breaks inside quotes, CRLF, a byte order mark), and everything it
//! would let through silently is refused here with the file, line and column: a duplicate or
//! missing header column, text that is not UTF-8, a row with the wrong number of values, and
//! quoting the crate is lenient about (a quote never closed, text after a closing quote, a
//! quote inside an unquoted value: each a sign of a file cut or mangled on the way).

use std::collections::HashMap;
use std::io::Read;

use crate::error::{Error, Result};

/// A CSV file read record by record, with its header's columns by name.
pub(crate) struct CsvFile<R: Read> {
    name: &'static str,
    reader: csv::Reader<QuoteCheck<R>>,
    record: csv::StringRecord,
    header: Vec<String>,
    columns: HashMap<String, usize>,
    line: u64,
}

/// A record of a [`CsvFile`], able to name where it came from.
pub(crate) struct Record<'a> {
    pub file: &'static str,
    /// The line the record starts on (a quoted line break makes a record span lines).
    pub line: u64,
    fields: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Record<'_> {
    /// The value of a column the header was checked to have (`CsvFile::open`'s `required`).
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.fields.get(i))
            .unwrap_or("")
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }
}

/// An error at a place of a file, with the code `validation`.
pub(crate) fn invalid(file: &str, line: u64, column: &str, reason: impl Into<String>) -> Error {
    Error::Import {
        file: file.to_owned(),
        line,
        column: column.to_owned(),
        source: Box::new(Error::validation(column, reason)),
    }
}

impl<R: Read> CsvFile<R> {
    /// Reads the header of `input` (named `name` in errors) and checks that every `required`
    /// column is there, once.
    pub fn open(name: &'static str, input: R, required: &[&str]) -> Result<CsvFile<R>> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(QuoteCheck::new(input));
        let mut file = CsvFile {
            name,
            reader,
            record: csv::StringRecord::new(),
            header: Vec::new(),
            columns: HashMap::new(),
            line: 1,
        };
        let header = match file.read()? {
            Some(_) => file
                .record
                .iter()
                .map(|c| c.trim().trim_start_matches('\u{feff}').trim().to_owned())
                .collect::<Vec<_>>(),
            None => Vec::new(),
        };
        for (i, column) in header.iter().enumerate() {
            if column.is_empty() && header.len() > 1 {
                return Err(invalid(
                    name,
                    1,
                    &(i + 1).to_string(),
                    format!("column {} of the header has no name", i + 1),
                ));
            }
            if file.columns.insert(column.clone(), i).is_some() {
                return Err(invalid(
                    name,
                    1,
                    column,
                    format!("the header has the column \"{column}\" twice"),
                ));
            }
        }
        file.header = header;
        for column in required {
            if !file.columns.contains_key(*column) {
                return Err(invalid(
                    name,
                    1,
                    column,
                    format!("the header has no column \"{column}\""),
                ));
            }
        }
        Ok(file)
    }

    /// The header's column names, in file order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Bytes read so far, for progress.
    pub fn bytes(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The next record, or `None` at the end. Blank lines are skipped.
    pub fn next(&mut self) -> Result<Option<Record<'_>>> {
        loop {
            if self.read()?.is_none() {
                return Ok(None);
            }
            if self.record.len() <= 1 && self.record.get(0).is_none_or(|f| f.trim().is_empty()) {
                continue;
            }
            if self.record.len() != self.header.len() {
                return Err(invalid(
                    self.name,
                    self.line,
                    "row",
                    format!(
                        "{} values where the header has {} columns",
                        self.record.len(),
                        self.header.len()
                    ),
                ));
            }
            return Ok(Some(Record {
                file: self.name,
                line: self.line,
                fields: &self.record,
                columns: &self.columns,
            }));
        }
    }

    /// Reads one record into `self.record`, with its line; `None` at the end.
    fn read(&mut self) -> Result<Option<()>> {
        let read = self.reader.read_record(&mut self.record);
        // The quoting check runs ahead of the parser (it sees bytes as they are read): a
        // fault it found before the end of what was parsed belongs to this record or an
        // earlier one, and is the real cause of whatever the parser made of it.
        if let Some(fault) = self.reader.get_ref().fault.clone() {
            if fault.offset < self.reader.position().byte() || matches!(read, Ok(false)) {
                return Err(invalid(
                    self.name,
                    fault.line,
                    &self.column_name(fault.field),
                    fault.reason,
                ));
            }
        }
        match read {
            Ok(true) => {
                if let Some(p) = self.record.position() {
                    self.line = self.reader.get_mut().line_at(p.byte());
                }
                Ok(Some(()))
            }
            Ok(false) => Ok(None),
            Err(e) => {
                let line = match e.position() {
                    Some(p) => self.reader.get_mut().line_at(p.byte()),
                    None => self.line,
                };
                match e.into_kind() {
                    csv::ErrorKind::Utf8 { err, .. } => Err(invalid(
                        self.name,
                        line,
                        &self.column_name(err.field()),
                        "the text is not UTF-8: save the file as UTF-8 (\"CSV UTF-8\" in a spreadsheet)",
                    )),
                    csv::ErrorKind::Io(source) => Err(Error::Io {
                        path: self.name.to_owned(),
                        source,
                    }),
                    other => Err(invalid(
                        self.name,
                        line,
                        "row",
                        format!("the file cannot be read as CSV: {other:?}"),
                    )),
                }
            }
        }
    }

    /// The header's name of field `i`, else its position (1-based), e.g. in the header itself.
    fn column_name(&self, i: usize) -> String {
        self.header
            .get(i)
            .filter(|c| !c.is_empty())
            .cloned()
            .unwrap_or_else(|| (i + 1).to_string())
    }
}

/// Where the quoting of a file first goes wrong.
#[derive(Debug, Clone)]
struct Fault {
    offset: u64,
    line: u64,
    field: usize,
    reason: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the end of the field, or the first of a doubled quote.
    QuoteInQuoted,
}

/// RFC 4180 quoting, checked on the bytes as the parser reads them: one pass, no copy.
struct QuoteCheck<R> {
    inner: R,
    state: State,
    offset: u64,
    line: u64,
    field: usize,
    /// Where the quoted field being read opened (for a quote never closed).
    opened: (u64, u64, usize),
    fault: Option<Fault>,
    /// Offsets of the line feeds scanned but not yet behind a record's start, and how many
    /// are behind: the line of a record, counted here because the parser's own count is one
    /// short after a CRLF (it starts the next record on the LF).
    newlines: std::collections::VecDeque<u64>,
    lines_behind: u64,
}

impl<R> QuoteCheck<R> {
    /// The line of the record starting at `byte`: a record that starts on a line feed (the
    /// second byte of a CRLF) starts on the line after it.
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.newlines.front().is_some_and(|&o| o <= byte) {
            self.newlines.pop_front();
            self.lines_behind += 1;
        }
        self.lines_behind + 1
    }
}

impl<R: Read> QuoteCheck<R> {
    fn new(inner: R) -> Self {
        QuoteCheck {
            inner,
            state: State::FieldStart,
            offset: 0,
            line: 1,
            field: 0,
            opened: (0, 1, 0),
            fault: None,
            newlines: std::collections::VecDeque::new(),
            lines_behind: 0,
        }
    }

    fn scan(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.fault.is_some() {
                return;
            }
            let mut fault = None;
            match (self.state, b) {
                (State::Quoted, b'"') => self.state = State::QuoteInQuoted,
                (State::Quoted, _) => {}
                (State::QuoteInQuoted, b'"') => self.state = State::Quoted,
                (State::FieldStart, b'"') => {
                    self.state = State::Quoted;
                    self.opened = (self.offset, self.line, self.field);
                }
                (State::Unquoted, b'"') => {
                    fault = Some(
                        "a quote inside a value that does not start with one: quote the whole value and double the quotes inside (\"5\"\" screen\")",
                    );
                }
                (_, b',') => {
                    self.state = State::FieldStart;
                    self.field += 1;
                }
                (_, b'\n' | b'\r') => {
                    self.state = State::FieldStart;
                    self.field = 0;
                }
                (State::QuoteInQuoted, _) => {
                    fault = Some(
                        "text after the closing quote of a value: double the quotes inside a quoted value",
                    );
                }
                (State::FieldStart | State::Unquoted, _) => self.state = State::Unquoted,
            }
            if let Some(reason) = fault {
                self.fault = Some(Fault {
                    offset: self.offset,
                    line: self.line,
                    field: self.field,
                    reason,
                });
                return;
            }
            if b == b'\n' {
                self.line += 1;
                self.newlines.push_back(self.offset);
            }
            self.offset += 1;
        }
    }
}

impl<R: Read> Read for QuoteCheck<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() && self.state == State::Quoted && self.fault.is_none() {
            let (offset, line, field) = self.opened;
            self.fault = Some(Fault {
                offset,
                line,
                field,
                reason: "a quoted value is never closed: the file may have been cut short",
            });
        }
        self.scan(&buf[..n]);
        Ok(n)
    }
}
