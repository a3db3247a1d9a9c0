//! Sync with a central server (DESIGN §4), the device's side: sending this device's changes
//! from the outbox (`crate::outbox`, below the domain, which every write records into), what
//! it has applied of the others', and the merge rules, whose side effects go through the
//! domain (a pulled movement settles stock and the sales rollup). No HTTP here: the sync
//! client moves [`stockflow_sync_proto`] values between these functions and the server.

mod apply;
mod connection;
mod overwrites;

use rusqlite::{params, OptionalExtension};
use stockflow_sync_proto::{Change, PulledChange};

pub use crate::outbox::Entity;
pub use connection::{SyncConnection, SyncConnectionInput, SyncSummary};

use crate::auth::Action;
use crate::db::{new_id, Store, Tx};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::model::{SyncApplied, SyncConflict, SyncConflictProduct, SyncCursor};

/// The device setting that says a join has started and not finished (local, never synced).
const JOIN_KEY: &str = "sync_join_unfinished";

impl Store {
    /// Sync runs as the signed-in user (any role: a clerk's sales must reach the others), in setup mode, or while this
    /// database joins a shop (the users arrive with the shop: nobody can sign in before).
    fn authorize_sync(&self) -> Result<()> {
        if self.joining.get() {
            return Ok(());
        }
        self.authorize_anywhere(Action::Sync)?;
        // Allowed in setup mode: the users that arrive with the shop in this sync do not stop
        // it half way (the next sync needs one of them signed in).
        if self.session.borrow().is_none() {
            self.joining.set(true);
        }
        Ok(())
    }

    /// Marks this database as a new device joining a shop from the server: allowed while it
    /// holds no company, or while an earlier join of it has not finished (stopped, or the app
    /// closed part way). Sync may then run without a local user until this store closes, and
    /// the device settings remember the join until [`Store::finish_join`], so a join stopped
    /// between two companies brings the second one down when it goes on, even after a restart.
    pub fn start_join(&self) -> Result<()> {
        if self.companies_here()? > 0 && !self.join_marked()? {
            return Err(Error::Refused {
                field: "server".to_owned(),
                reason: "This database already holds a shop: sign in to sync it.".to_owned(),
            });
        }
        self.arm_busy_timeout();
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, '1') ON CONFLICT (key) DO NOTHING",
            [JOIN_KEY],
        )?;
        self.joining.set(true);
        Ok(())
    }

    /// A join brought everything the account syncs: the device settings forget it, and this
    /// store syncs as whoever is signed in from now on.
    pub fn finish_join(&self) -> Result<()> {
        self.arm_busy_timeout();
        self.conn
            .execute("DELETE FROM settings WHERE key = ?1", [JOIN_KEY])?;
        self.joining.set(false);
        Ok(())
    }

    /// A join was started here and has not finished (whatever arrived so far).
    pub fn join_marked(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM settings WHERE key = ?1", [JOIN_KEY], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }

    /// Part of a shop came down and the rest has not: the first run offers to go on (or to
    /// start over) instead of setting up a new shop over it.
    pub fn join_unfinished(&self) -> Result<bool> {
        Ok(self.join_marked()? && self.companies_here()? > 0)
    }

    fn companies_here(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM companies", [], |r| r.get(0))?)
    }

    /// The next changes to send, oldest first, at most `limit`: those sent before and not yet
    /// acknowledged exactly as they were sent, then new ones frozen now (payload read from the
    /// row, change id and device sequence given). Safe to call again after any failure.
    pub fn sync_outgoing(&mut self, limit: usize) -> Result<Vec<Change>> {
        self.authorize_sync()?;
        self.settle_device()?;
        let device_id = self.device_id().to_owned();
        self.write(|tx| {
            crate::outbox::expand_ranges(tx, limit)?;
            let rows: Vec<OutboxRow> = tx
                .conn
                .prepare_cached(
                    "SELECT seq, company_id, entity, entity_id, hlc, fields, change_id, device_id,
                            device_seq, payload
                     FROM outbox
                     -- An import still running is sent once it is finished, whole.
                     WHERE company_id NOT IN (SELECT company_id FROM pending_imports)
                     ORDER BY seq LIMIT ?1",
                )?
                .query_map([limit as i64], |r| {
                    Ok(OutboxRow {
                        seq: r.get(0)?,
                        company_id: r.get(1)?,
                        entity: r.get(2)?,
                        entity_id: r.get(3)?,
                        hlc: r.get(4)?,
                        fields: r.get(5)?,
                        change_id: r.get(6)?,
                        device_id: r.get(7)?,
                        device_seq: r.get(8)?,
                        payload: r.get(9)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push(freeze(tx, row, &device_id)?);
            }
            Ok(out)
        })
    }

    /// Forgets the changes the server has acknowledged (it holds them now).
    pub fn sync_acknowledge(&mut self, change_ids: &[String]) -> Result<usize> {
        self.authorize_sync()?;
        if change_ids.is_empty() {
            return Ok(0);
        }
        self.write(|tx| {
            let mut stmt = tx
                .conn
                .prepare_cached("DELETE FROM outbox WHERE change_id = ?1")?;
            let mut n = 0;
            for id in change_ids {
                n += stmt.execute([id])?;
            }
            Ok(n)
        })
    }

    /// Changes still to send.
    pub fn sync_pending(&self) -> Result<i64> {
        self.authorize_sync()?;
        Ok(self
            .conn
            .query_row(crate::outbox::PENDING_SQL, [], |r| r.get(0))?)
    }

    /// Where this device is in the company's server log.
    pub fn sync_cursor(&self, company_id: &str) -> Result<SyncCursor> {
        self.authorize_sync()?;
        Ok(self
            .conn
            .query_row(
                "SELECT after_seq, epoch, last_synced_at FROM sync_cursors WHERE company_id = ?1",
                [company_id],
                |r| {
                    Ok(SyncCursor {
                        after: r.get(0)?,
                        epoch: r.get(1)?,
                        last_synced_at: r.get(2)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Applies one page pulled from the company's server log, moves the cursor to
    /// `next_after` and forgets the `acknowledged` outbox entries, all in one transaction: a
    /// sync killed at any moment resumes without loss or double application.
    pub fn sync_apply(
        &mut self,
        company_id: &str,
        page: &[PulledChange],
        next_after: i64,
        epoch: &str,
        acknowledged: &[String],
    ) -> Result<SyncApplied> {
        self.authorize_sync()?;
        self.settle_device()?;
        let device_id = self.device_id().to_owned();
        self.write(|tx| {
            let mut summary = SyncApplied::default();
            for pulled in page {
                let change = &pulled.change;
                if change.company_id != company_id {
                    return Err(Error::validation(
                        "company_id",
                        format!("change {} is of another company", change.change_id),
                    ));
                }
                if change.device_id == device_id {
                    summary.own += 1;
                    continue;
                }
                let seen: i64 = tx
                    .conn
                    .prepare_cached(
                        "SELECT last_seq FROM sync_peers WHERE company_id = ?1 AND device_id = ?2",
                    )?
                    .query_row((company_id, &change.device_id), |r| r.get(0))
                    .optional()?
                    .unwrap_or(0);
                if change.device_seq <= seen {
                    summary.duplicates += 1;
                    continue;
                }
                if let Some(hlc) = Hlc::parse(&change.hlc) {
                    tx.observe(&hlc);
                }
                match apply::apply(tx, change)? {
                    apply::Outcome::Applied => summary.applied += 1,
                    apply::Outcome::Unchanged => summary.unchanged += 1,
                    apply::Outcome::Parked(reason) => {
                        park(tx, company_id, change, &reason)?;
                        summary.parked += 1;
                    }
                }
                tx.conn
                    .prepare_cached(
                        "INSERT INTO sync_peers (company_id, device_id, last_seq) VALUES (?1, ?2, ?3)
                         ON CONFLICT (company_id, device_id) DO UPDATE SET last_seq = excluded.last_seq",
                    )?
                    .execute(params![company_id, change.device_id, change.device_seq])?;
            }
            summary.parked_applied = retry_parked(tx, company_id)?;
            for id in acknowledged {
                tx.conn
                    .prepare_cached("DELETE FROM outbox WHERE change_id = ?1")?
                    .execute([id])?;
            }
            tx.conn
                .prepare_cached(
                    "INSERT INTO sync_cursors (company_id, epoch, after_seq, last_synced_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (company_id) DO UPDATE SET epoch = excluded.epoch,
                         after_seq = MAX(after_seq, excluded.after_seq),
                         last_synced_at = excluded.last_synced_at",
                )?
                .execute(params![company_id, epoch, next_after, tx.now])?;
            Ok(summary)
        })
    }

    /// The server was restored from a backup (its epoch changed): pull the company again from
    /// the start and send everything this device holds of it again, as a new device (the
    /// server no longer knows the old one's later sequence numbers).
    pub fn sync_restart(&mut self, company_id: &str, epoch: &str) -> Result<()> {
        self.authorize_sync()?;
        self.remint_device()?;
        self.write(|tx| {
            tx.conn.execute(
                "INSERT INTO sync_cursors (company_id, epoch, after_seq) VALUES (?1, ?2, 0)
                 ON CONFLICT (company_id) DO UPDATE SET epoch = excluded.epoch, after_seq = 0",
                (company_id, epoch),
            )?;
            tx.conn
                .execute("DELETE FROM sync_peers WHERE company_id = ?1", [company_id])?;
            tx.conn.execute(
                "DELETE FROM outbox WHERE company_id = ?1 AND change_id IS NULL",
                [company_id],
            )?;
            tx.conn.execute(
                "DELETE FROM outbox_ranges WHERE company_id = ?1",
                [company_id],
            )?;
            tx.conn.execute_batch(&requeue_sql(company_id))?;
            Ok(())
        })
    }

    /// This device takes a new id (a copied database, a restored backup, a server that forgot
    /// it): changes not sent yet go out under the new id, numbered from 1.
    pub fn remint_device(&mut self) -> Result<String> {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // An owner-set numbering series stays with the original device.
        tx.execute("UPDATE device SET device_id = ?1, series = NULL", [&id])?;
        tx.execute("DELETE FROM sync_device_seq", [])?;
        tx.commit()?;
        tracing::info!(old = %self.device_id, new = %id, "this database is a new sync device");
        self.device_id = id.clone();
        Ok(id)
    }

    /// The server holds other changes under this device's id and numbers (a copied database
    /// pushed first, a backup restored here): take a new id and send everything not yet
    /// acknowledged again under it, numbered from 1. Whatever the server already had arrives
    /// twice at the other devices, which apply it once.
    pub fn sync_send_as_new_device(&mut self) -> Result<()> {
        self.authorize_sync()?;
        self.remint_device()?;
        self.write(|tx| {
            tx.conn.execute(
                "UPDATE outbox SET change_id = NULL, device_id = NULL, device_seq = NULL, payload = NULL
                 WHERE change_id IS NOT NULL",
                [],
            )?;
            Ok(())
        })
    }

    /// Products that sync found holding the same SKU or barcode, not archived, with the one
    /// holding it first: until someone renames or archives one.
    pub fn sync_conflicts(&self, company_id: &str) -> Result<Vec<SyncConflict>> {
        // A database joining a shop lists them before anyone can sign in: the shop's users
        // arrive with it, so a check of the session would refuse the join's last step.
        if !self.joining.get() {
            self.authorize(company_id, Action::Read)?;
        }
        let mut out = Vec::new();
        for (kind, requested, current) in [
            ("sku", "requested_sku", "sku_key"),
            ("barcode", "requested_barcode", "barcode_key"),
        ] {
            // Codes are claimed by key (validate::key): `äpfel` and `ÄPFEL` are one conflict.
            let mut seen = std::collections::HashSet::new();
            let values: Vec<String> = self
                .conn
                .prepare(&format!(
                    "SELECT DISTINCT {requested} FROM products
                     WHERE company_id = ?1 AND {requested} IS NOT NULL AND archived = 0
                     ORDER BY 1"
                ))?
                .query_map([company_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for value in values {
                if !seen.insert(crate::validate::key(&value)) {
                    continue;
                }
                let products: Vec<SyncConflictProduct> = self
                    .conn
                    .prepare(&format!(
                        "SELECT id, sku, name, archived FROM products
                         WHERE company_id = ?1 AND ({current} = sf_key(?2) AND {requested} IS NULL
                             OR {requested} IS NOT NULL AND sf_key({requested}) = sf_key(?2))
                         ORDER BY {requested} IS NOT NULL, id"
                    ))?
                    .query_map((company_id, &value), |r| {
                        Ok(SyncConflictProduct {
                            product_id: r.get(0)?,
                            sku: r.get(1)?,
                            name: r.get(2)?,
                            archived: r.get(3)?,
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                if products.iter().filter(|p| !p.archived).count() > 1 {
                    out.push(SyncConflict {
                        kind: kind.to_owned(),
                        value,
                        products,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Every row of one kind as sync sees it: id, synced fields (JSON) and the row's HLC (for
    /// the kinds that have one). For checks and support, not for the screens.
    pub fn sync_rows(&self, entity: Entity) -> Result<Vec<(String, String, Option<String>)>> {
        self.authorize_anywhere(Action::ReadEverything)?;
        let def = entity.def();
        let hlc = def.hlc_column.unwrap_or("NULL");
        let rows: Vec<(String, Option<String>)> = self
            .conn
            .prepare(&format!("SELECT id, {hlc} FROM {} ORDER BY id", def.table))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(id, hlc)| {
                let fields = crate::outbox::snapshot(&self.conn, entity, &id)?.unwrap_or_default();
                Ok((id, serde_json::Value::Object(fields).to_string(), hlc))
            })
            .collect()
    }

    /// Changes pulled but not applied yet, with why.
    pub fn sync_parked(&self) -> Result<Vec<(Change, String)>> {
        self.authorize_sync()?;
        let rows: Vec<(String, String)> = self
            .conn
            .prepare("SELECT change, reason FROM sync_parked ORDER BY seq")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(json, reason)| {
                let change = serde_json::from_str(&json)
                    .map_err(|e| Error::validation("change", e.to_string()))?;
                Ok((change, reason))
            })
            .collect()
    }
}

struct OutboxRow {
    seq: i64,
    company_id: String,
    entity: String,
    entity_id: String,
    hlc: String,
    fields: Option<String>,
    change_id: Option<String>,
    device_id: Option<String>,
    device_seq: Option<i64>,
    payload: Option<String>,
}

fn freeze(tx: &mut Tx<'_>, row: OutboxRow, device_id: &str) -> Result<Change> {
    let entity = Entity::parse(&row.entity).ok_or_else(|| {
        Error::validation("entity", format!("unknown outbox entity {}", row.entity))
    })?;
    let fields: Vec<String> = row
        .fields
        .as_deref()
        .map(|f| f.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    if let (Some(change_id), Some(device), Some(device_seq), Some(payload)) =
        (row.change_id, row.device_id, row.device_seq, row.payload)
    {
        return Ok(Change {
            change_id,
            company_id: row.company_id,
            device_id: device,
            device_seq,
            entity: row.entity,
            entity_id: row.entity_id,
            hlc: row.hlc,
            version: entity.def().version,
            fields,
            payload: serde_json::from_str(&payload)
                .map_err(|e| Error::validation("payload", e.to_string()))?,
        });
    }
    let payload = crate::outbox::snapshot(tx.conn, entity, &row.entity_id)?
        .ok_or_else(|| Error::not_found(crate::error::Entity::Change, &row.entity_id))?;
    let device_seq: i64 = tx
        .conn
        .prepare_cached(
            "INSERT INTO sync_device_seq (company_id, last_seq) VALUES (?1, 1)
             ON CONFLICT (company_id) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq",
        )?
        .query_row([&row.company_id], |r| r.get(0))?;
    let change_id = new_id();
    let payload_text = serde_json::Value::Object(payload.clone()).to_string();
    tx.conn
        .prepare_cached(
            "UPDATE outbox SET change_id = ?2, device_id = ?3, device_seq = ?4, payload = ?5 WHERE seq = ?1",
        )?
        .execute(params![row.seq, change_id, device_id, device_seq, payload_text])?;
    Ok(Change {
        change_id,
        company_id: row.company_id,
        device_id: device_id.to_owned(),
        device_seq,
        entity: row.entity,
        entity_id: row.entity_id,
        hlc: row.hlc,
        version: entity.def().version,
        fields,
        payload: serde_json::Value::Object(payload),
    })
}

fn park(tx: &Tx<'_>, company_id: &str, change: &Change, reason: &str) -> Result<()> {
    let json =
        serde_json::to_string(change).map_err(|e| Error::validation("change", e.to_string()))?;
    tx.conn
        .prepare_cached(
            "INSERT INTO sync_parked (company_id, change, reason, parked_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![company_id, json, reason, tx.now])?;
    Ok(())
}

/// Parked changes whose parent has arrived since (or whose kind this build now knows), in
/// the order they were parked, until a pass applies nothing more. Returns how many applied.
fn retry_parked(tx: &mut Tx<'_>, company_id: &str) -> Result<i64> {
    let mut applied = 0;
    loop {
        let rows: Vec<(i64, String)> = tx
            .conn
            .prepare_cached(
                "SELECT seq, change FROM sync_parked WHERE company_id = ?1 ORDER BY seq",
            )?
            .query_map([company_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut progress = false;
        for (seq, json) in rows {
            let change: Change = serde_json::from_str(&json)
                .map_err(|e| Error::validation("change", e.to_string()))?;
            match apply::apply(tx, &change)? {
                apply::Outcome::Parked(reason) => {
                    tx.conn.execute(
                        "UPDATE sync_parked SET reason = ?2 WHERE seq = ?1",
                        params![seq, reason],
                    )?;
                }
                _ => {
                    tx.conn
                        .execute("DELETE FROM sync_parked WHERE seq = ?1", [seq])?;
                    applied += 1;
                    progress = true;
                }
            }
        }
        if !progress {
            return Ok(applied);
        }
    }
}

/// Every row of the company as a change still to send (the migration's backfill, for one
/// company).
fn requeue_sql(company_id: &str) -> String {
    let c = company_id.replace('\'', "''");
    format!(
        "INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT id, 'company', id, updated_hlc FROM companies WHERE id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT m.company_id, 'user', u.id, u.updated_hlc FROM users u JOIN memberships m ON m.user_id = u.id
         WHERE m.company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'membership', id, updated_hlc FROM memberships WHERE company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'warehouse', id, updated_hlc FROM warehouses WHERE company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'product_type', id, updated_hlc FROM product_types WHERE company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'adjustment_reason', id, updated_hlc FROM adjustment_reasons WHERE company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'supplier', id, updated_hlc FROM suppliers WHERE company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'product', id, updated_hlc FROM products WHERE company_id = '{c}' ORDER BY seq;
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT p.company_id, 'product_supplier', l.id, l.updated_hlc
         FROM product_suppliers l JOIN products p ON p.id = l.product_id WHERE p.company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'purchase_order', id, updated_hlc FROM purchase_orders WHERE company_id = '{c}' ORDER BY seq;
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT o.company_id, 'purchase_order_line', l.id, o.updated_hlc
         FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.purchase_order_id
         WHERE o.company_id = '{c}' ORDER BY o.seq, l.line_no;
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'count_session', id, updated_hlc FROM count_sessions WHERE company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT s.company_id, 'count_line', l.id, l.updated_hlc
         FROM count_lines l JOIN count_sessions s ON s.id = l.session_id WHERE s.company_id = '{c}';
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'sale', id, hlc FROM sales WHERE company_id = '{c}' ORDER BY seq;
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT s.company_id, 'sale_line', l.id, s.hlc
         FROM sale_lines l JOIN sales s ON s.seq = l.sale_key WHERE s.company_id = '{c}' ORDER BY s.seq, l.line_no;
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT company_id, 'stock_movement', id, hlc FROM stock_movements WHERE company_id = '{c}' ORDER BY seq;
         INSERT INTO outbox (company_id, entity, entity_id, hlc)
         SELECT s.company_id, 'sale_return', r.id, r.hlc
         FROM sale_returns r JOIN sales s ON s.stored_id = r.stored_sale_id WHERE s.company_id = '{c}' ORDER BY r.hlc;"
    )
}
