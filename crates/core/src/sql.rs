//! Helpers every domain module uses to talk to SQLite, below all of them: reading the money
//! columns (decimals stored as text), the page sizes of the lists, and the uniqueness check.
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
