//! The stock ledger and the stock levels projected from it (DESIGN §2).
//!
//! `stock_movements` is the truth and is append-only (the schema refuses updates and deletes).
//! `stock_levels` is kept in the same transaction as every movement; [`Store::ledger_levels`]
//! recomputes it from the ledger alone, and tests hold the two equal.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use crate::auth::Action;
use crate::db::{new_id, Store, Tx};
use crate::error::{Entity, Error, Result};
use crate::lookup::{get_company, on_hand, open_warehouse, product_of_company, StockedProduct};
use crate::model::{
    AdjustmentInput, AdjustmentReason, CompanySummary, CountInput, MovementKind, MovementResult,
    ReceiptInput, StockLevel, StockQuery, StockRow, TransferInput, Warehouse,
};
use crate::outbox;
use crate::validate::{self, sum_lines, Sign, MAX_NAME};

/// The adjustment reasons every company starts with.
pub const DEFAULT_REASONS: [&str; 5] = ["damaged", "lost", "found", "expired", "correction"];
const MAX_NOTE: usize = 1_000;

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Opening => "opening",
            MovementKind::Receipt => "receipt",
            MovementKind::Sale => "sale",
            MovementKind::Return => "return",
            MovementKind::Adjustment => "adjustment",
            MovementKind::TransferOut => "transfer_out",
            MovementKind::TransferIn => "transfer_in",
            MovementKind::Count => "count",
        }
    }

    pub fn parse(text: &str) -> Option<MovementKind> {
        [
            MovementKind::Opening,
            MovementKind::Receipt,
            MovementKind::Sale,
            MovementKind::Return,
            MovementKind::Adjustment,
            MovementKind::TransferOut,
            MovementKind::TransferIn,
            MovementKind::Count,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

pub(crate) struct NewMovement<'a> {
    pub company_id: &'a str,
    pub product_id: &'a str,
    pub warehouse_id: &'a str,
    pub kind: MovementKind,
    /// Signed change of on hand; for a count, the absolute quantity counted.
    pub quantity: i64,
    pub reason: Option<&'a str>,
    /// What the movement belongs to: (kind, id), e.g. ("sale", id).
    pub reference: Option<(&'a str, &'a str)>,
    pub note: Option<&'a str>,
    /// When it happened; `None` is the write's own time.
    pub occurred_at: Option<&'a str>,
}

/// Appends a movement to the ledger and brings the stock level in line, in the caller's
/// transaction. Returns the movement's id.
///
/// DESIGN §2: on hand is the latest count (by time, then HLC) plus every other movement after
/// it. A count therefore sets the level from the ledger; a movement older than the latest count
/// (a sale synced or imported late) is absorbed by it and leaves the level alone.
pub(crate) fn record(tx: &mut Tx<'_>, m: &NewMovement<'_>) -> Result<String> {
    let (id, hlc, occurred_at) = append(tx, m)?;
    settle(
        tx,
        &id,
        m.product_id,
        m.warehouse_id,
        m.kind,
        m.quantity,
        Some(crate::times::ms(&occurred_at)?),
        &hlc,
    )?;
    Ok(id)
}

/// A count of an import's inventory, as [`record`] writes one through the view, but straight
/// into the ledger's rows by local keys (the product's and warehouse's come with their ids;
/// `keys` finds the company's and the device's): an import writes one per stock row, and the
/// view's trigger looks every key up again. Not queued: the import queues its counts as a
/// range (migration 0022). Returns its `seq`.
pub(crate) fn record_imported_count(
    tx: &mut Tx<'_>,
    keys: &mut crate::lookup::LocalKeys,
    company_id: &str,
    (product_id, product): (&str, i64),
    (warehouse_id, warehouse): (&str, i64),
    quantity: i64,
) -> Result<i64> {
    let company = keys.key(tx.conn, "companies", "seq", company_id)?;
    let device = keys.key(tx.conn, "device_keys", "key", tx.device_id())?;
    let id = new_id();
    let stamp = tx.stamp_value();
    let (stored_hlc, clock) = stamp.row_form();
    let now = tx.now.clone();
    let (occurred_at, occurred_ms) = crate::times::stored(&now);
    tx.conn
        .prepare_cached(
            "INSERT INTO movement_rows (id, company_key, product_key, warehouse_key, kind, quantity,
                 reference_kind, reference_id, occurred_at, occurred_ms, hlc, hlc_clock, user_id,
                 device_key)
             VALUES (?1, ?2, ?3, ?4, 'count', ?5, 'import', 'inventory.csv', ?6, ?7, ?8, ?9, ?10,
                     ?11)",
        )?
        .execute(params![
            crate::ids::stored(&id),
            company,
            product,
            warehouse,
            quantity,
            occurred_at,
            occurred_ms,
            stored_hlc,
            clock,
            tx.user_id(),
            device
        ])?;
    let seq = tx.conn.last_insert_rowid();
    // `settle` for a count, by keys.
    let later: bool = tx
        .conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM movement_rows
             WHERE product_key = ?1 AND warehouse_key = ?2 AND occurred_ms >= ?3 AND id <> ?4)",
        )?
        .query_row(
            params![product, warehouse, occurred_ms, crate::ids::stored(&id)],
            |r| r.get(0),
        )?;
    set_counted_level(tx.conn, (product_id, warehouse_id), quantity, later)?;
    Ok(seq)
}

/// The stock level after a count: what was counted, unless something in the ledger is as late
/// as the count (`later`), when the level comes from the ledger.
fn set_counted_level(
    conn: &Connection,
    (product_id, warehouse_id): (&str, &str),
    quantity: i64,
    later: bool,
) -> Result<()> {
    if later {
        return set_level_from_ledger(conn, product_id, warehouse_id);
    }
    conn.prepare_cached(
        "INSERT INTO stock_levels (product_id, warehouse_id, on_hand) VALUES (?1, ?2, ?3)
         ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = excluded.on_hand",
    )?
    .execute(params![product_id, warehouse_id, quantity])?;
    Ok(())
}

/// Brings the stock level in line with one movement already in the ledger: this device's,
/// or one that arrived by sync in any order (the rule below does not depend on the order).
#[allow(clippy::too_many_arguments)]
pub(crate) fn settle(
    tx: &mut Tx<'_>,
    id: &str,
    product_id: &str,
    warehouse_id: &str,
    kind: MovementKind,
    quantity: i64,
    occurred_ms: Option<i64>,
    hlc: &str,
) -> Result<()> {
    if kind == MovementKind::Count {
        // Usually nothing in the ledger is as late as this count: it is then the latest count
        // with nothing after it, and on hand is what was counted. Otherwise, from the ledger.
        let later: bool = tx
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM stock_movements
                 WHERE product_id = ?1 AND warehouse_id = ?2 AND occurred_ms >= ?3
                   AND stored_id <> ?4)",
            )?
            .query_row(
                params![
                    product_id,
                    warehouse_id,
                    occurred_ms,
                    crate::ids::stored(id)
                ],
                |r| r.get(0),
            )?;
        set_counted_level(tx.conn, (product_id, warehouse_id), quantity, later)?;
    } else {
        let absorbed: bool = tx
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM stock_movements
                 WHERE product_id = ?1 AND warehouse_id = ?2 AND kind = 'count'
                   AND (occurred_ms, hlc) > (?3, ?4))",
            )?
            .query_row(params![product_id, warehouse_id, occurred_ms, hlc], |r| {
                r.get(0)
            })?;
        let delta = if absorbed { 0 } else { quantity };
        add_to_level(tx.conn, product_id, warehouse_id, delta)?;
    }
    Ok(())
}

/// Appends a movement to the ledger (and the outbox) without touching the stock level: the
/// caller brings the level in line, as [`record`] does, or in bulk for a whole import.
/// Returns the movement's id, HLC and time.
pub(crate) fn append(tx: &mut Tx<'_>, m: &NewMovement<'_>) -> Result<(String, String, String)> {
    let id = new_id();
    let hlc = tx.stamp();
    let occurred_at = m.occurred_at.unwrap_or(&tx.now).to_owned();
    let (reference_kind, reference_id) = m.reference.unzip();
    tx.conn
        .prepare_cached(
            "INSERT INTO stock_movements (id, company_id, product_id, warehouse_id, kind, quantity,
                 reason, reference_kind, reference_id, note, occurred_at, hlc, user_id, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?14, ?13)",
        )?
        .execute(params![
            id,
            m.company_id,
            m.product_id,
            m.warehouse_id,
            m.kind.as_str(),
            m.quantity,
            m.reason,
            reference_kind,
            reference_id,
            m.note,
            occurred_at,
            hlc,
            tx.device_id(),
            tx.user_id()
        ])?;
    tx.inserted_in(m.company_id, outbox::Entity::StockMovement, &id, &hlc)?;
    Ok((id, hlc, occurred_at))
}

/// Adds `delta` to on hand, creating the level row if the product was not stocked there yet.
pub(crate) fn add_to_level(
    conn: &Connection,
    product_id: &str,
    warehouse_id: &str,
    delta: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO stock_levels (product_id, warehouse_id, on_hand) VALUES (?1, ?2, ?3)
         ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand",
    )?
    .execute(params![product_id, warehouse_id, delta])?;
    Ok(())
}

/// The time of the latest count of a product in a warehouse (ms, `times`): movements before
/// it are absorbed by it.
pub(crate) fn latest_count_ms(
    conn: &Connection,
    product_id: &str,
    warehouse_id: &str,
) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT MAX(occurred_ms) FROM stock_movements
             WHERE product_id = ?1 AND warehouse_id = ?2 AND kind = 'count'",
        )?
        .query_row(params![product_id, warehouse_id], |r| r.get(0))?)
}

/// Recomputes one stock level from the ledger (the per-pair form of [`Store::ledger_levels`]).
fn set_level_from_ledger(conn: &Connection, product_id: &str, warehouse_id: &str) -> Result<()> {
    conn.prepare_cached(
        "WITH pair AS (SELECT * FROM stock_movements WHERE product_id = ?1 AND warehouse_id = ?2),
              last_count AS (SELECT quantity, occurred_ms, hlc FROM pair WHERE kind = 'count'
                             ORDER BY occurred_ms DESC, hlc DESC LIMIT 1)
         INSERT INTO stock_levels (product_id, warehouse_id, on_hand)
         SELECT ?1, ?2,
                COALESCE((SELECT quantity FROM last_count), 0)
                + COALESCE((SELECT SUM(m.quantity) FROM pair m WHERE m.kind <> 'count'
                            AND NOT EXISTS (SELECT 1 FROM last_count c
                                            WHERE (c.occurred_ms, c.hlc) >= (m.occurred_ms, m.hlc))), 0)
         ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = excluded.on_hand",
    )?
    .execute((product_id, warehouse_id))?;
    Ok(())
}

/// Marks the product as stocked in the warehouse (a level row at zero) if it is not yet.
pub(crate) fn ensure_level(conn: &Connection, product_id: &str, warehouse_id: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO stock_levels (product_id, warehouse_id, on_hand) VALUES (?1, ?2, 0)
         ON CONFLICT DO NOTHING",
        (product_id, warehouse_id),
    )?;
    Ok(())
}

/// Refuses to take on hand below zero unless the company allows backorders.
pub(crate) fn ensure_available(
    conn: &Connection,
    company_id: &str,
    product: &StockedProduct,
    warehouse: &Warehouse,
    taking: i64,
) -> Result<()> {
    if taking <= 0 || get_company(conn, company_id)?.allow_backorders {
        return Ok(());
    }
    let on_hand = on_hand(conn, &product.id, &warehouse.id)?;
    if on_hand < taking {
        return Err(Error::InsufficientStock {
            sku: product.sku.clone(),
            warehouse: warehouse.name.clone(),
            requested: taking,
            on_hand,
        });
    }
    Ok(())
}

fn note(input: Option<&str>) -> Result<Option<String>> {
    validate::optional("note", "Note", input, MAX_NOTE)
}

/// A stock-holding product for a movement: of the company, not a kit, not archived.
fn stocked(conn: &Connection, company_id: &str, id: &str) -> Result<StockedProduct> {
    let p = product_of_company(conn, company_id, id)?;
    if p.is_kit {
        return Err(Error::validation(
            "product_id",
            format!(
                "{} is a kit: it holds no stock of its own; move its components instead",
                p.sku
            ),
        ));
    }
    if p.archived {
        return Err(Error::validation(
            "product_id",
            format!("{} is archived", p.sku),
        ));
    }
    Ok(p)
}

/// Movements of one kind written together under one reference (a receipt, an adjustment, one
/// side of a transfer, a count).
struct Batch<'a> {
    company_id: &'a str,
    kind: MovementKind,
    reference_kind: &'static str,
    reference_id: String,
    reason: Option<&'a str>,
    note: Option<&'a str>,
    occurred_at: Option<&'a str>,
}

impl<'a> Batch<'a> {
    fn new(company_id: &'a str, kind: MovementKind, reference_kind: &'static str) -> Batch<'a> {
        Batch {
            company_id,
            kind,
            reference_kind,
            reference_id: new_id(),
            reason: None,
            note: None,
            occurred_at: None,
        }
    }

    fn note(self, note: Option<&'a str>) -> Batch<'a> {
        Batch { note, ..self }
    }

    /// One movement per product with its signed quantity; `check` refuses to go below zero.
    fn record(
        &self,
        tx: &mut Tx<'_>,
        w: &Warehouse,
        lines: &BTreeMap<String, i64>,
        check: bool,
    ) -> Result<Vec<String>> {
        let mut ids = Vec::with_capacity(lines.len());
        for (product_id, quantity) in lines {
            let p = stocked(tx.conn, self.company_id, product_id)?;
            if check {
                ensure_available(tx.conn, self.company_id, &p, w, -quantity)?;
            }
            ids.push(record(
                tx,
                &NewMovement {
                    company_id: self.company_id,
                    product_id: &p.id,
                    warehouse_id: &w.id,
                    kind: self.kind,
                    quantity: *quantity,
                    reason: self.reason,
                    reference: Some((self.reference_kind, &self.reference_id)),
                    note: self.note,
                    occurred_at: self.occurred_at,
                },
            )?);
        }
        Ok(ids)
    }
}

impl Store {
    /// Stock received without a purchase order.
    pub fn receive_stock(
        &mut self,
        company_id: &str,
        input: &ReceiptInput,
    ) -> Result<MovementResult> {
        self.authorize(company_id, Action::ReceiveStock)?;
        let lines = sum_lines(&input.lines, Sign::Positive)?;
        let note = note(input.note.as_deref())?;
        self.write(|tx| {
            let w = open_warehouse(tx.conn, company_id, &input.warehouse_id, "warehouse_id")?;
            let batch = Batch::new(company_id, MovementKind::Receipt, "receipt");
            let ids = batch.note(note.as_deref()).record(tx, &w, &lines, false)?;
            crate::history::movement_result(tx.conn, &ids)
        })
    }

    /// A correction of on hand with one of the company's reasons; quantities are signed.
    pub fn adjust_stock(
        &mut self,
        company_id: &str,
        input: &AdjustmentInput,
    ) -> Result<MovementResult> {
        self.authorize(company_id, Action::Adjust)?;
        let lines = sum_lines(&input.lines, Sign::NonZero)?;
        let note = note(input.note.as_deref())?;
        self.write(|tx| {
            let w = open_warehouse(tx.conn, company_id, &input.warehouse_id, "warehouse_id")?;
            let reason = reason_of_company(tx.conn, company_id, &input.reason)?;
            let mut batch = Batch::new(company_id, MovementKind::Adjustment, "adjustment")
                .note(note.as_deref());
            batch.reason = Some(&reason);
            let ids = batch.record(tx, &w, &lines, true)?;
            crate::history::movement_result(tx.conn, &ids)
        })
    }

    /// Moves stock between two warehouses of the company: out and in, in one transaction.
    pub fn transfer_stock(
        &mut self,
        company_id: &str,
        input: &TransferInput,
    ) -> Result<MovementResult> {
        self.authorize(company_id, Action::Transfer)?;
        let lines = sum_lines(&input.lines, Sign::Positive)?;
        if input.from_warehouse_id == input.to_warehouse_id {
            return Err(Error::validation(
                "to_warehouse_id",
                "choose two different warehouses",
            ));
        }
        let note = note(input.note.as_deref())?;
        self.write(|tx| {
            let from = open_warehouse(
                tx.conn,
                company_id,
                &input.from_warehouse_id,
                "from_warehouse_id",
            )?;
            let to = open_warehouse(
                tx.conn,
                company_id,
                &input.to_warehouse_id,
                "to_warehouse_id",
            )?;
            let out =
                Batch::new(company_id, MovementKind::TransferOut, "transfer").note(note.as_deref());
            let taken: BTreeMap<String, i64> = lines.iter().map(|(p, q)| (p.clone(), -q)).collect();
            let mut ids = out.record(tx, &from, &taken, true)?;
            let into = Batch {
                kind: MovementKind::TransferIn,
                ..out
            };
            ids.extend(into.record(tx, &to, &lines, false)?);
            crate::history::movement_result(tx.conn, &ids)
        })
    }

    /// Records counted quantities as absolute count events as of `counted_at` (DESIGN §2):
    /// movements after that time still apply on top of the count.
    pub fn record_count(&mut self, company_id: &str, input: &CountInput) -> Result<MovementResult> {
        self.authorize(company_id, Action::Adjust)?;
        let lines = sum_lines(&input.lines, Sign::NonNegative)?;
        let counted_at = input
            .counted_at
            .as_deref()
            .map(|t| crate::validate::timestamp("counted_at", t))
            .transpose()?;
        self.write(|tx| {
            let w = open_warehouse(tx.conn, company_id, &input.warehouse_id, "warehouse_id")?;
            let mut batch = Batch::new(company_id, MovementKind::Count, "count");
            batch.occurred_at = counted_at.as_deref();
            let ids = batch.record(tx, &w, &lines, false)?;
            crate::history::movement_result(tx.conn, &ids)
        })
    }

    pub fn list_adjustment_reasons(&self, company_id: &str) -> Result<Vec<AdjustmentReason>> {
        self.authorize(company_id, Action::Read)?;
        get_company(&self.conn, company_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name FROM adjustment_reasons WHERE company_id = ?1 AND archived = 0
             ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([company_id], |r| {
            Ok(AdjustmentReason {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a reason to the company's list (or brings back one that was removed).
    pub fn add_adjustment_reason(
        &mut self,
        company_id: &str,
        name: &str,
    ) -> Result<AdjustmentReason> {
        self.authorize(company_id, Action::EditCatalog)?;
        let name = validate::required("name", "Reason", name, MAX_NAME)?;
        self.write(|tx| {
            get_company(tx.conn, company_id)?;
            let existing: Option<(String, bool)> = tx
                .conn
                .query_row(
                    "SELECT id, archived FROM adjustment_reasons WHERE company_id = ?1 AND name = ?2 COLLATE NOCASE",
                    (company_id, &name),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let hlc = tx.stamp();
            let id = match existing {
                Some((_, false)) => {
                    return Err(Error::Conflict { entity: Entity::Reason, field: "name".into(), value: name })
                }
                Some((id, true)) => {
                    let before = tx.before(outbox::Entity::AdjustmentReason, &id)?;
                    tx.conn.execute(
                        "UPDATE adjustment_reasons SET archived = 0, updated_hlc = ?2 WHERE id = ?1",
                        (&id, &hlc),
                    )?;
                    tx.updated(outbox::Entity::AdjustmentReason, &id, &hlc, before)?;
                    id
                }
                None => insert_reason(tx, company_id, &name, &hlc)?,
            };
            let name = tx.conn.query_row("SELECT name FROM adjustment_reasons WHERE id = ?1", [&id], |r| r.get(0))?;
            Ok(AdjustmentReason { id, name })
        })
    }

    /// Removes a reason from the list offered for new adjustments; history keeps it.
    pub fn remove_adjustment_reason(&mut self, company_id: &str, id: &str) -> Result<()> {
        self.authorize(company_id, Action::EditCatalog)?;
        self.write(|tx| {
            let before = tx.before(outbox::Entity::AdjustmentReason, id)?;
            let hlc = tx.stamp();
            let changed = tx.conn.execute(
                "UPDATE adjustment_reasons SET archived = 1, updated_hlc = ?3
                 WHERE id = ?1 AND company_id = ?2 AND archived = 0",
                (id, company_id, &hlc),
            )?;
            if changed == 0 {
                return Err(Error::not_found(Entity::Reason, id));
            }
            tx.updated(outbox::Entity::AdjustmentReason, id, &hlc, before)
        })
    }
}

pub(crate) fn insert_reason(
    tx: &mut Tx<'_>,
    company_id: &str,
    name: &str,
    hlc: &str,
) -> Result<String> {
    // Derived, not random: two devices adding "damaged" offline converge on one row.
    let id = format!("{company_id}:{}", name.to_lowercase());
    tx.conn.execute(
        "INSERT INTO adjustment_reasons (id, company_id, name, updated_hlc) VALUES (?1, ?2, ?3, ?4)",
        (&id, company_id, name, hlc),
    )?;
    tx.inserted(outbox::Entity::AdjustmentReason, &id, hlc)?;
    Ok(id)
}

/// The reason as the company spells it, if it is one of its active reasons.
fn reason_of_company(conn: &Connection, company_id: &str, reason: &str) -> Result<String> {
    conn.query_row(
        "SELECT name FROM adjustment_reasons WHERE company_id = ?1 AND name = ?2 COLLATE NOCASE AND archived = 0",
        (company_id, reason.trim()),
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        Error::validation(
            "reason",
            format!("\"{}\" is not one of this company's adjustment reasons", reason.trim()),
        )
    })
}

/// A kit's availability in each active warehouse where one of its components is stocked,
/// as [`StockLevel`]s whose `on_hand` is the number of whole kits the components allow.
pub(crate) fn kit_levels(
    conn: &Connection,
    company_id: &str,
    kit_id: &str,
) -> Result<Vec<StockLevel>> {
    let leaves: Vec<String> = match crate::kits::expand(conn, kit_id, 1) {
        Ok(parts) => parts.into_keys().collect(),
        // A recipe (synced from elsewhere) that no sale can take: nothing is available.
        Err(Error::Validation { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, w.name FROM warehouses w
         WHERE w.company_id = ?1 AND w.archived = 0 ORDER BY w.name COLLATE NOCASE",
    )?;
    let warehouses: Vec<(String, String)> = stmt
        .query_map([company_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (warehouse_id, warehouse_name) in warehouses {
        let mut stocked = false;
        for leaf in &leaves {
            stocked |= conn
                .prepare_cached(
                    "SELECT 1 FROM stock_levels WHERE product_id = ?1 AND warehouse_id = ?2",
                )?
                .exists((leaf, &warehouse_id))?;
        }
        if stocked {
            out.push(StockLevel {
                on_hand: crate::kits::available(conn, kit_id, &warehouse_id)?,
                warehouse_id,
                warehouse_name,
            });
        }
    }
    Ok(out)
}

pub(crate) fn levels_of_product(conn: &Connection, product_id: &str) -> Result<Vec<StockLevel>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.warehouse_id, w.name, s.on_hand FROM stock_levels s
         JOIN warehouses w ON w.id = s.warehouse_id
         WHERE s.product_id = ?1 ORDER BY w.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([product_id], |r| {
        Ok(StockLevel {
            warehouse_id: r.get(0)?,
            warehouse_name: r.get(1)?,
            on_hand: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The dashboard's figures: one pass over the company's stock levels.
    pub fn company_summary(&self, company_id: &str) -> Result<CompanySummary> {
        self.authorize(company_id, Action::Read)?;
        crate::lookup::get_company(&self.conn, company_id)?;
        let count = |sql: &str| -> Result<i64> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_row([company_id], |r| r.get(0))?)
        };
        let products =
            count("SELECT COUNT(*) FROM products WHERE company_id = ?1 AND archived = 0")?;
        let warehouses =
            count("SELECT COUNT(*) FROM warehouses WHERE company_id = ?1 AND archived = 0")?;
        let product_types = count("SELECT COUNT(*) FROM product_types WHERE company_id = ?1")?;

        let mut stmt = self.conn.prepare_cached(
            "SELECT p.price, SUM(MAX(s.on_hand, 0)), SUM(s.on_hand <= 0), p.cost
             FROM products p JOIN stock_levels s ON s.product_id = p.id
             WHERE p.company_id = ?1 AND p.archived = 0
             GROUP BY p.seq",
        )?;
        let mut rows = stmt.query([company_id])?;
        let (mut units_on_hand, mut retail_value, mut out_of_stock) = (0i64, Decimal::ZERO, 0i64);
        let (mut cost_value, mut products_without_cost) = (Decimal::ZERO, 0i64);
        while let Some(r) = rows.next()? {
            let units: i64 = r.get(1)?;
            // Saturating: a dashboard figure never wraps, nor panics on an absurd level.
            units_on_hand = units_on_hand.saturating_add(units);
            let value = crate::sql::decimal_column(r, 0)?.saturating_mul(Decimal::from(units));
            retail_value = retail_value.saturating_add(value);
            out_of_stock += r.get::<_, i64>(2)?;
            match crate::sql::optional_decimal_column(r, 3)? {
                Some(cost) => {
                    cost_value =
                        cost_value.saturating_add(cost.saturating_mul(Decimal::from(units)))
                }
                None if units > 0 => products_without_cost += 1,
                None => {}
            }
        }
        Ok(CompanySummary {
            products,
            warehouses,
            product_types,
            units_on_hand,
            retail_value,
            cost_value,
            products_without_cost,
            out_of_stock,
        })
    }

    /// On hand per product and warehouse of a company, optionally for one warehouse or SKU,
    /// ordered by SKU then warehouse name. Archived products are left out.
    pub fn list_stock(&self, query: &StockQuery) -> Result<Vec<StockRow>> {
        self.authorize(&query.company_id, Action::Read)?;
        crate::lookup::get_company(&self.conn, &query.company_id)?;
        if let Some(w) = &query.warehouse_id {
            crate::lookup::warehouse_of_company(&self.conn, &query.company_id, w)?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.sku, p.name, w.id, w.name, s.on_hand, p.price, p.cost
             FROM stock_levels s
             JOIN products p ON p.id = s.product_id
             JOIN warehouses w ON w.id = s.warehouse_id
             WHERE p.company_id = ?1 AND p.archived = 0
               AND (?2 IS NULL OR w.id = ?2)
               AND (?3 IS NULL OR p.sku = ?3)
             ORDER BY p.sku, w.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map(
            params![
                query.company_id,
                query.warehouse_id,
                query.sku.as_deref().map(str::trim)
            ],
            |r| {
                let on_hand: i64 = r.get(5)?;
                // Negative on hand (backorders) is worth nothing, as on the dashboard.
                let units = Decimal::from(on_hand.max(0));
                Ok(StockRow {
                    product_id: r.get(0)?,
                    sku: r.get(1)?,
                    product_name: r.get(2)?,
                    warehouse_id: r.get(3)?,
                    warehouse: r.get(4)?,
                    on_hand,
                    available: on_hand.max(0),
                    is_kit: false,
                    value_at_price: crate::sql::decimal_column(r, 6)?.saturating_mul(units),
                    value_at_cost: crate::sql::optional_decimal_column(r, 7)?
                        .map(|c| c.saturating_mul(units)),
                })
            },
        )?;
        let mut out: Vec<StockRow> = rows.collect::<rusqlite::Result<_>>()?;
        out.extend(self.kit_rows(query)?);
        out.sort_by(|a, b| {
            (a.sku.to_lowercase(), a.warehouse.to_lowercase())
                .cmp(&(b.sku.to_lowercase(), b.warehouse.to_lowercase()))
        });
        Ok(out)
    }

    /// A row per active kit and active warehouse where any of its components is stocked.
    fn kit_rows(&self, query: &StockQuery) -> Result<Vec<StockRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.sku, p.name FROM products p
             WHERE p.company_id = ?1 AND p.archived = 0 AND (?2 IS NULL OR p.sku = ?2)
               AND EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)",
        )?;
        let kits: Vec<(String, String, String)> = stmt
            .query_map(
                params![query.company_id, query.sku.as_deref().map(str::trim)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, sku, name) in kits {
            for level in kit_levels(&self.conn, &query.company_id, &id)? {
                if query
                    .warehouse_id
                    .as_ref()
                    .is_some_and(|w| *w != level.warehouse_id)
                {
                    continue;
                }
                out.push(StockRow {
                    product_id: id.clone(),
                    sku: sku.clone(),
                    product_name: name.clone(),
                    warehouse_id: level.warehouse_id,
                    warehouse: level.warehouse_name,
                    on_hand: 0,
                    available: level.on_hand,
                    is_kit: true,
                    // A kit holds nothing itself: its value is in its components' rows.
                    value_at_price: Decimal::ZERO,
                    value_at_cost: Some(Decimal::ZERO),
                });
            }
        }
        Ok(out)
    }

    /// Stock levels as the ledger alone says they are: per (product, warehouse), the latest
    /// count (by time, then HLC) plus every other movement after it; without a count, the sum
    /// of the movements. Sorted by product id then warehouse id.
    pub fn ledger_levels(&self) -> Result<Vec<(String, String, i64)>> {
        self.authorize_anywhere(Action::ReadEverything)?;
        let mut stmt = self.conn.prepare(
            "WITH last_count AS (
                 SELECT product_id, warehouse_id, quantity, occurred_ms, hlc FROM (
                     SELECT product_id, warehouse_id, quantity, occurred_ms, hlc,
                            ROW_NUMBER() OVER (PARTITION BY product_id, warehouse_id
                                               ORDER BY occurred_ms DESC, hlc DESC) AS rn
                     FROM stock_movements WHERE kind = 'count')
                 WHERE rn = 1)
             SELECT m.product_id, m.warehouse_id,
                    COALESCE(MAX(c.quantity), 0) + COALESCE(SUM(m.quantity) FILTER (
                        WHERE m.kind <> 'count'
                          AND (c.hlc IS NULL OR (m.occurred_ms, m.hlc) > (c.occurred_ms, c.hlc))), 0)
             FROM stock_movements m
             LEFT JOIN last_count c USING (product_id, warehouse_id)
             GROUP BY m.product_id, m.warehouse_id
             ORDER BY m.product_id, m.warehouse_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The kept stock levels of every (product, warehouse) that has movements, in the order of
    /// [`Store::ledger_levels`]: the two must be equal.
    pub fn kept_levels(&self) -> Result<Vec<(String, String, i64)>> {
        self.authorize_anywhere(Action::ReadEverything)?;
        let mut stmt = self.conn.prepare(
            "SELECT s.product_id, s.warehouse_id, s.on_hand FROM stock_levels s
             WHERE EXISTS (SELECT 1 FROM stock_movements m
                           WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id)
             ORDER BY s.product_id, s.warehouse_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
