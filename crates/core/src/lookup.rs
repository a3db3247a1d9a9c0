//! The rows every domain module looks up before it works on them: a company, a warehouse of
//! a company (one that takes stock), a product of a company as a movement needs it, and the
//! stock on hand of a product in a warehouse. Plain reads below the domain, so that the
//! catalog, the ledger, kits and sales can all use them without using each other.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row};
use rust_decimal::Decimal;

use crate::error::{Entity, Error, Result};
use crate::model::{Company, Warehouse};
use crate::money::currency_decimals;
use crate::sql::decimal_column;

pub(crate) const COMPANY_COLUMNS: &str =
    "id, name, default_threshold, allow_backorders, created_at, currency, address, phone, email, tax_id";
pub(crate) const WAREHOUSE_COLUMNS: &str =
    "id, company_id, name, code, address, archived, created_at";

pub(crate) fn company_from_row(r: &Row<'_>) -> rusqlite::Result<Company> {
    Ok(Company {
        id: r.get(0)?,
        name: r.get(1)?,
        default_threshold: r.get(2)?,
        allow_backorders: r.get(3)?,
        created_at: r.get(4)?,
        currency_decimals: currency_decimals(&r.get::<_, String>(5)?).unwrap_or(2),
        currency: r.get(5)?,
        address: r.get(6)?,
        phone: r.get(7)?,
        email: r.get(8)?,
        tax_id: r.get(9)?,
    })
}

pub(crate) fn warehouse_from_row(r: &Row<'_>) -> rusqlite::Result<Warehouse> {
    Ok(Warehouse {
        id: r.get(0)?,
        company_id: r.get(1)?,
        name: r.get(2)?,
        code: r.get(3)?,
        address: r.get(4)?,
        archived: r.get(5)?,
        created_at: r.get(6)?,
    })
}

pub(crate) fn get_company(conn: &Connection, id: &str) -> Result<Company> {
    conn.query_row(
        &format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE id = ?1"),
        [id],
        company_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Company, id))
}

pub(crate) fn get_warehouse(conn: &Connection, id: &str) -> Result<Warehouse> {
    conn.query_row(
        &format!("SELECT {WAREHOUSE_COLUMNS} FROM warehouses WHERE id = ?1"),
        [id],
        warehouse_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Warehouse, id))
}

/// A warehouse that must belong to `company_id`: one of another company is not found here.
pub(crate) fn warehouse_of_company(
    conn: &Connection,
    company_id: &str,
    id: &str,
) -> Result<Warehouse> {
    get_warehouse(conn, id)
        .ok()
        .filter(|w| w.company_id == company_id)
        .ok_or_else(|| Error::not_found(Entity::Warehouse, id))
}

pub(crate) fn on_hand(conn: &Connection, product_id: &str, warehouse_id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT on_hand FROM stock_levels WHERE product_id = ?1 AND warehouse_id = ?2",
        )?
        .query_row((product_id, warehouse_id), |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// A product of the company that can hold stock, as a movement needs it.
pub(crate) struct StockedProduct {
    pub id: String,
    pub sku: String,
    pub price: Decimal,
    pub archived: bool,
    pub is_kit: bool,
}

pub(crate) fn product_of_company(
    conn: &Connection,
    company_id: &str,
    id: &str,
) -> Result<StockedProduct> {
    conn.prepare_cached(
        "SELECT p.id, p.sku, p.price, p.archived,
                EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)
         FROM products p WHERE p.id = ?1 AND p.company_id = ?2",
    )?
    .query_row((id, company_id), |r| {
        Ok(StockedProduct {
            id: r.get(0)?,
            sku: r.get(1)?,
            price: decimal_column(r, 2)?,
            archived: r.get(3)?,
            is_kit: r.get(4)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found(Entity::Product, id))
}

/// A warehouse of the company that takes stock (not archived).
pub(crate) fn open_warehouse(
    conn: &Connection,
    company_id: &str,
    id: &str,
    field: &str,
) -> Result<Warehouse> {
    let w = warehouse_of_company(conn, company_id, id)?;
    if w.archived {
        return Err(Error::validation(
            field,
            format!("warehouse {} is archived and takes no stock", w.name),
        ));
    }
    Ok(w)
}

/// A map by local integer keys, hashed by one multiplication per word instead of SipHash: an
/// import sums a million sales into maps by (product, warehouse) and by rollup key, and
/// SipHash was most of that. Only for keys this database made (its own `seq`s), never for
/// text from a file, which could be chosen to collide.
pub(crate) type KeyMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The hasher of [`KeyMap`]: each word folded in as FxHash does (rotate, xor, multiply by an
/// odd constant), for integer keys.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_i64(&mut self, word: i64) {
        self.write_u64(word as u64);
    }
}

/// Local integer keys by text id (migration 0016), per table, each looked up once. An import
/// asks for a company's and the device's on every row (a product's and a warehouse's it keeps
/// from when it made them), and they are the same row after row: the last answer of each
/// table is kept beside its map.
#[derive(Default)]
pub(crate) struct LocalKeys(Vec<KeysOf>);

struct KeysOf {
    table: &'static str,
    last: Option<(String, i64)>,
    known: HashMap<String, i64>,
}

impl LocalKeys {
    pub(crate) fn key(
        &mut self,
        conn: &Connection,
        table: &'static str,
        column: &str,
        id: &str,
    ) -> Result<i64> {
        let of = match self.0.iter().position(|k| k.table == table) {
            Some(i) => &mut self.0[i],
            None => {
                self.0.push(KeysOf {
                    table,
                    last: None,
                    known: HashMap::new(),
                });
                self.0.last_mut().expect("just pushed")
            }
        };
        if let Some((last, key)) = &of.last {
            if last == id {
                return Ok(*key);
            }
        }
        let key = match of.known.get(id) {
            Some(key) => *key,
            None => {
                let key: i64 = conn
                    .prepare_cached(&format!("SELECT {column} FROM {table} WHERE id = ?1"))?
                    .query_row([id], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| Error::Internal(format!("{table}: no local key for {id}")))?;
                of.known.insert(id.to_owned(), key);
                key
            }
        };
        // The text's buffer is reused: no allocation per row.
        match &mut of.last {
            Some((last, last_key)) => {
                last.clear();
                last.push_str(id);
                *last_key = key;
            }
            None => of.last = Some((id.to_owned(), key)),
        }
        Ok(key)
    }
}
