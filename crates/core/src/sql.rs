//! Helpers every domain module uses to talk to SQLite, below all of them: reading the money
//! columns (decimals stored as text) and their exact sort key, the page sizes of the lists, and
//! the uniqueness check.
//! Nothing here knows a domain rule, and this module uses no domain module, so the domain
//! modules can all depend on it without depending on each other.

use std::str::FromStr;

use rusqlite::{Connection, Row};
use rust_decimal::Decimal;

use crate::error::{Entity, Error, Result};

/// The rows of a list page when the query asks for 0.
pub(crate) const DEFAULT_PAGE: u32 = 50;
/// The most rows a list page returns, whatever the query asks.
pub(crate) const MAX_PAGE: u32 = 500;

/// Reads an optional decimal stored as text (NULL: not known).
pub(crate) fn optional_decimal_column(
    r: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<Decimal>> {
    match r.get_ref(idx)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => decimal_column(r, idx).map(Some),
    }
}

/// Reads a decimal stored as text; a value that does not parse is a corrupt row.
pub(crate) fn decimal_column(r: &Row<'_>, idx: usize) -> rusqlite::Result<Decimal> {
    let text: String = r.get(idx)?;
    Decimal::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The sort key of a decimal stored as text, for `ORDER BY` in SQL (`sf_decimal_key(price)`):
/// texts that compare as the decimals do, exactly. `CAST(price AS REAL)` rounds to the nearest
/// float and so ties (or swaps) amounts that differ past the 16th digit. `None` (NULL) for a
/// text that is not a decimal.
///
/// The key is a sign digit (`0` below zero, `1` otherwise) then the absolute value as 29
/// integer digits, a point and 28 fraction digits (a `Decimal`'s widest), the digits of a
/// negative amount complemented so that a larger one sorts first. Equal amounts written
/// differently (`1.5`, `1.50`) have the same key.
pub(crate) fn decimal_key(text: &str) -> Option<String> {
    if let Some(key) = plain_key(text) {
        return Some(key);
    }
    let value = Decimal::from_str(text.trim()).ok()?.normalize();
    let negative = value.is_sign_negative() && !value.is_zero();
    let digits = value.abs().to_string();
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    let plain = format!("{whole:0>29}.{fraction:0<28}");
    let mut key = String::with_capacity(1 + plain.len());
    if negative {
        key.push('0');
        key.extend(plain.chars().map(|c| match c.to_digit(10) {
            Some(d) => char::from_digit(9 - d, 10).unwrap_or(c),
            None => c,
        }));
    } else {
        key.push('1');
        key.push_str(&plain);
    }
    Some(key)
}

/// [`decimal_key`] without parsing, for the form every amount is stored in (digits, at most
/// one point, no sign; a product list sorted by price calls this once per product). `None`
/// for any other text, which takes the general path.
fn plain_key(text: &str) -> Option<String> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    if whole.len() > 29
        || fraction.len() > 28
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || text.is_empty()
        || text == "."
    {
        return None;
    }
    let mut key = String::with_capacity(59);
    key.push('1');
    key.extend(std::iter::repeat_n('0', 29 - whole.len()));
    key.push_str(whole);
    key.push('.');
    key.push_str(fraction);
    key.extend(std::iter::repeat_n('0', 28 - fraction.len()));
    Some(key)
}

/// A uniqueness rule: `value` may not be in `column` of another row of `table` of the same
/// company. `column` carries its comparison: `name = ?2 COLLATE NOCASE` for names,
/// `barcode = ?2` for an exact code. Company names are unique across the file.
pub(crate) struct Unique {
    pub entity: Entity,
    pub field: &'static str,
    pub table: &'static str,
    pub column: &'static str,
}

impl Unique {
    /// Refuses `value` if a row other than `except` of the company (any row, for `None`) has it.
    pub(crate) fn check(
        &self,
        conn: &Connection,
        company_id: Option<&str>,
        value: &str,
        except: Option<&str>,
    ) -> Result<()> {
        let scope = if company_id.is_some() {
            "company_id = ?1"
        } else {
            "?1 IS NULL"
        };
        let taken: bool = conn
            .prepare_cached(&format!(
                "SELECT EXISTS (SELECT 1 FROM {} WHERE {scope} AND {} AND id IS NOT ?3)",
                self.table, self.column
            ))?
            .query_row((company_id, value, except), |r| r.get(0))?;
        if taken {
            return Err(Error::Conflict {
                entity: self.entity,
                field: self.field.into(),
                value: value.into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Amounts in increasing order, among them neighbours a float cannot tell apart.
    const ASCENDING: &[&str] = &[
        "-12345678901234567.02",
        "-12345678901234567.01",
        "-1",
        "-0.0001",
        "0",
        "0.0001",
        "0.3",
        "0.30000000000000001",
        "1.5",
        "19.99",
        "999999999",
        "12345678901234567.01",
        "12345678901234567.02",
        "79228162514264337593543950335",
    ];

    #[test]
    fn the_fast_path_gives_the_general_paths_key() {
        for text in [
            "0",
            "0.5",
            "5",
            "5.00",
            "007.50",
            "12345678901234567.01",
            "999999999.9999",
            "10",
        ] {
            let general = {
                let value = Decimal::from_str(text).unwrap().normalize();
                let digits = value.to_string();
                let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
                format!("1{whole:0>29}.{fraction:0<28}")
            };
            assert_eq!(plain_key(text).as_deref(), Some(general.as_str()), "{text}");
        }
        for not_plain in ["", ".", "-1", "+1", "1e3", " 1", "1.2.3", "abc"] {
            assert_eq!(plain_key(not_plain), None, "{not_plain:?}");
        }
    }

    #[test]
    fn decimal_keys_sort_as_the_amounts_do() {
        for pair in ASCENDING.windows(2) {
            let (a, b) = (decimal_key(pair[0]), decimal_key(pair[1]));
            assert!(
                a < b,
                "{} must sort before {}: {a:?} vs {b:?}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn equal_amounts_have_one_key_and_junk_has_none() {
        assert_eq!(decimal_key("1.5"), decimal_key("1.50"));
        assert_eq!(decimal_key("0"), decimal_key("-0.00"));
        assert_eq!(decimal_key("12"), decimal_key("12.0000"));
        assert_eq!(decimal_key("abc"), None);
        assert_eq!(decimal_key(""), None);
    }
}
