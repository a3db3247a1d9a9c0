//! A SKU or barcode that two products of a company claim (each made or renamed on another
//! device, offline): every device derives the same holder, the first claimant; the others
//! remember the code they asked for and show a suffixed SKU (or no barcode) until it is free.
//! Below the domain: the catalog calls it when a product gives a code up, and the merge of
//! pulled changes (`sync/apply.rs`) when one arrives.

use rusqlite::OptionalExtension;

use crate::db::Tx;
use crate::error::Result;

/// The part of a row's id a suffix shows: its last six characters (the random end of a
/// UUIDv7).
pub(crate) fn short_id(id: &str) -> &str {
    &id[id.len().saturating_sub(6)..]
}

/// When a product took its SKU: the clock of the field, else its id (a UUIDv7 starts with
/// the time it was made); compared with the id after it, so that every device orders the
/// claimants of one SKU the same way.
fn claim_order(tx: &Tx<'_>, field: &str, ids: &mut [String]) -> Result<()> {
    let mut keyed: Vec<(String, String)> = Vec::with_capacity(ids.len());
    for id in ids.iter() {
        let clock: Option<String> = tx
            .conn
            .prepare_cached(
                "SELECT hlc FROM field_clocks WHERE entity = 'product' AND entity_id = ?1 AND field = ?2",
            )?
            .query_row((id, field), |r| r.get(0))
            .optional()?;
        keyed.push((clock.unwrap_or_default(), id.clone()));
    }
    keyed.sort();
    for (slot, (_, id)) in ids.iter_mut().zip(keyed) {
        *slot = id;
    }
    Ok(())
}

/// A code a product claims and that only one product of a company may hold.
#[derive(Clone, Copy)]
enum Code {
    Sku,
    Barcode,
}

impl Code {
    /// The column that holds it, the one that remembers it for a product that lost it, and
    /// the key of the held one (claims are compared by key, `validate::key`).
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Code::Sku => ("sku", "requested_sku", "sku_key"),
            Code::Barcode => ("barcode", "requested_barcode", "barcode_key"),
        }
    }

    /// What a product that lost the code shows instead (`?2` is the end of its id): a SKU
    /// suffixed with it, or no barcode.
    fn shown_by_loser(self) -> &'static str {
        match self {
            Code::Sku => "COALESCE(requested_sku, sku) || '~' || ?2",
            Code::Barcode => "NULL",
        }
    }
}

/// Every product of the company asking for `value`: the first claimant holds it, the others
/// remember it and show [`Code::shown_by_loser`].
fn resolve(tx: &Tx<'_>, code: Code, company_id: &str, value: &str) -> Result<()> {
    let (held, requested, held_key) = code.columns();
    let mut ids: Vec<String> = tx
        .conn
        .prepare_cached(&format!(
            "SELECT id FROM products WHERE company_id = ?1 AND {held_key} = sf_key(?2) AND {requested} IS NULL
             UNION SELECT id FROM products WHERE company_id = ?1 AND {requested} IS NOT NULL
                 AND sf_key({requested}) = sf_key(?2)"
        ))?
        .query_map((company_id, value), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.is_empty() {
        return Ok(());
    }
    claim_order(tx, held, &mut ids)?;
    let lose = format!(
        "UPDATE products SET {requested} = COALESCE({requested}, {held}), {held} = {}
         WHERE id = ?1 AND ?2 IS NOT NULL", // ?2 is bound for both codes
        code.shown_by_loser()
    );
    for id in ids.iter().skip(1) {
        tx.conn.prepare_cached(&lose)?.execute((id, short_id(id)))?;
    }
    tx.conn
        .prepare_cached(&format!(
            "UPDATE products SET {held} = COALESCE({requested}, {held}), {requested} = NULL
             WHERE id = ?1 AND {requested} IS NOT NULL"
        ))?
        .execute([&ids[0]])?;
    Ok(())
}

pub(crate) fn resolve_sku(tx: &Tx<'_>, company_id: &str, sku: &str) -> Result<()> {
    resolve(tx, Code::Sku, company_id, sku)
}

pub(crate) fn resolve_barcode(tx: &Tx<'_>, company_id: &str, barcode: &str) -> Result<()> {
    resolve(tx, Code::Barcode, company_id, barcode)
}
