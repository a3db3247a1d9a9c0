//! Human numbers for documents: `S-0042` for a sale, `PO-K7Q-0042` for a purchase order made on
//! a second device. Devices number offline, without a server, so each numbers in its own
//! series and two devices never give the same number:
//! - the device that created the company numbers without a series (`PO-0042`): most shops
//!   have one laptop and see plain numbers;
//! - every other device (a joined laptop, a copied database, a restored backup: each is a new
//!   device id) uses a series: three characters derived from its id unless the owner sets one.
//!
//! A number is given in the transaction that makes the document and syncs with it; it never
//! changes afterwards (it may be printed on an invoice). The counters are local.

use rusqlite::{params, Connection, OptionalExtension};

use crate::auth::Action;
use crate::db::{Store, Tx};
use crate::error::{Error, Result};

/// Kinds of numbered document, with their prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocumentKind {
    Sale,
    PurchaseOrder,
    Count,
}

impl DocumentKind {
    fn prefix(self) -> &'static str {
        match self {
            DocumentKind::Sale => "S",
            DocumentKind::PurchaseOrder => "PO",
            DocumentKind::Count => "C",
        }
    }

    fn table(self) -> &'static str {
        match self {
            DocumentKind::Sale => "sales",
            DocumentKind::PurchaseOrder => "purchase_orders",
            DocumentKind::Count => "count_sessions",
        }
    }

    const ALL: [DocumentKind; 3] = [
        DocumentKind::Sale,
        DocumentKind::PurchaseOrder,
        DocumentKind::Count,
    ];
}

/// Letters and digits that cannot be mistaken for one another when read aloud or off paper
/// (no I, O, 0, 1).
const SERIES_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const MAX_SERIES_CHARS: usize = 4;

/// The series a device numbers in when the owner has not set one: three characters from its
/// id (32,768 series; two devices of one shop sharing one is a chance in ten thousand).
pub(crate) fn derived_series(device_id: &str) -> String {
    // FNV-1a: stable across builds and platforms, unlike the std hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in device_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..3)
        .map(|i| char::from(SERIES_ALPHABET[((h >> (i * 5)) & 31) as usize]))
        .collect()
}

/// The series this device numbers in for `company_id`: empty on the device that created it.
fn series_for(conn: &Connection, device_id: &str, company_id: &str) -> Result<String> {
    let origin: Option<String> = conn
        .query_row(
            "SELECT origin_device_id FROM companies WHERE id = ?1",
            [company_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let set = owner_set_series(conn, device_id)?;
    Ok(match set {
        Some(series) => series,
        None if origin.as_deref() == Some(device_id) => String::new(),
        None => derived_series(device_id),
    })
}

/// The series the owner set on this device. A copied file opened elsewhere holds the
/// original's until its first write records the new device: it is not this device's.
fn owner_set_series(conn: &Connection, device_id: &str) -> Result<Option<String>> {
    let (series, stored): (Option<String>, String) =
        conn.query_row("SELECT series, device_id FROM device", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(series.filter(|_| stored == device_id))
}

fn format_number(kind: DocumentKind, series: &str, n: i64) -> String {
    if series.is_empty() {
        format!("{}-{n:04}", kind.prefix())
    } else {
        format!("{}-{series}-{n:04}", kind.prefix())
    }
}

/// The next number of `kind` in this device's series, taken inside the write that makes the
/// document: two processes writing at once get two numbers (the write lock orders them).
pub(crate) fn next_number(tx: &Tx<'_>, company_id: &str, kind: DocumentKind) -> Result<String> {
    let series = series_for(tx.conn, tx.device_id(), company_id)?;
    let n: i64 = tx.conn.query_row(
        "INSERT INTO document_counters (company_id, kind, series, last) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (company_id, kind, series) DO UPDATE SET last = last + 1
         RETURNING last",
        params![company_id, kind.prefix(), series],
        |r| r.get(0),
    )?;
    Ok(format_number(kind, &series, n))
}

/// Checks a series the owner types: 1 to 4 letters or digits, read in upper case.
pub(crate) fn parse_series(text: &str) -> Result<String> {
    let series = text.trim().to_ascii_uppercase();
    if series.is_empty()
        || series.chars().count() > MAX_SERIES_CHARS
        || !series.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(Error::validation(
            "series",
            format!("a series is 1 to {MAX_SERIES_CHARS} letters or digits, like A or BR2"),
        ));
    }
    Ok(series)
}

/// This device's numbering, as Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NumberingSettings {
    /// The series the owner set; `None`: the default.
    pub series: Option<String>,
    /// What the next sale of the company will be numbered, e.g. `S-0043` or `S-K7Q-0001`.
    pub next_sale: String,
    pub next_purchase_order: String,
    pub next_count: String,
}

impl Store {
    /// How this device numbers the company's documents.
    pub fn numbering(&self, company_id: &str) -> Result<NumberingSettings> {
        self.authorize(company_id, Action::Read)?;
        let set = owner_set_series(&self.conn, self.device_id())?;
        let series = series_for(&self.conn, self.device_id(), company_id)?;
        let next = |kind: DocumentKind| -> Result<String> {
            let last: i64 = self
                .conn
                .query_row(
                    "SELECT last FROM document_counters WHERE company_id = ?1 AND kind = ?2 AND series = ?3",
                    params![company_id, kind.prefix(), series],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0);
            Ok(format_number(kind, &series, last + 1))
        };
        Ok(NumberingSettings {
            series: set,
            next_sale: next(DocumentKind::Sale)?,
            next_purchase_order: next(DocumentKind::PurchaseOrder)?,
            next_count: next(DocumentKind::Count)?,
        })
    }

    /// Sets the series this device numbers in, for every company it holds (`None`: back to the
    /// default). Refused when a document already carries that series and this device never
    /// numbered in it: another device does. `company_id` is the company the answer describes.
    pub fn set_numbering_series(
        &mut self,
        company_id: &str,
        series: Option<&str>,
    ) -> Result<NumberingSettings> {
        self.authorize_anywhere(Action::Settings)?;
        self.authorize(company_id, Action::Read)?;
        let series = series.map(parse_series).transpose()?;
        self.write(|tx| {
            if let Some(s) = &series {
                let mine: bool = tx.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM document_counters WHERE series = ?1)",
                    [s],
                    |r| r.get(0),
                )?;
                if !mine && series_in_use(tx.conn, s)? {
                    return Err(Error::validation(
                        "series",
                        format!("series {s} is already used by another device: choose another"),
                    ));
                }
            }
            tx.conn
                .execute("UPDATE device SET series = ?1", [&series])?;
            Ok(())
        })?;
        self.numbering(company_id)
    }
}

fn series_in_use(conn: &Connection, series: &str) -> Result<bool> {
    for kind in DocumentKind::ALL {
        let pattern = format!("{}-{series}-%", kind.prefix());
        let used: bool = conn.query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM {} WHERE number LIKE ?1)",
                kind.table()
            ),
            [pattern],
            |r| r.get(0),
        )?;
        if used {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_series_is_three_unambiguous_characters_and_stable() {
        let s = derived_series("0190f3c2a1b27c4e9d5f6a7b8c9d0e1f");
        assert_eq!(s.len(), 3);
        assert!(s.bytes().all(|b| SERIES_ALPHABET.contains(&b)));
        assert_eq!(s, derived_series("0190f3c2a1b27c4e9d5f6a7b8c9d0e1f"));
        assert_ne!(s, derived_series("0190f3c2a1b27c4e9d5f6a7b8c9d0e20"));
    }

    #[test]
    fn numbers_pad_to_four_digits_and_grow_past_them() {
        assert_eq!(
            format_number(DocumentKind::PurchaseOrder, "", 42),
            "PO-0042"
        );
        assert_eq!(
            format_number(DocumentKind::Sale, "K7Q", 12345),
            "S-K7Q-12345"
        );
    }

    #[test]
    fn a_series_is_short_letters_or_digits() {
        assert_eq!(parse_series(" br2 ").unwrap(), "BR2");
        for bad in ["", "ABCDE", "A-B", "Ä"] {
            assert!(parse_series(bad).is_err(), "{bad:?}");
        }
    }
}
