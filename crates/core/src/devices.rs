//! Which computer made a change, in words: the name an owner gives each device of a company
//! (synced, so every device of the shop shows it), and when a product and warehouse pair last
//! moved on another device (kept as pulled movements are applied).

use rusqlite::{params, OptionalExtension};

use crate::auth::Action;
use crate::db::{pair_id, Store, Tx};
use crate::error::Result;
use crate::model::{DeviceNameSettings, StockChangeElsewhere};
use crate::outbox::Entity;

/// The longest device name.
const MAX_DEVICE_NAME: usize = 60;

/// A device as people read it: its name, else "Computer K7Q" (the three characters its
/// documents are numbered with by default), never its raw id.
pub(crate) fn device_label(name: Option<String>, device_id: &str) -> String {
    match name.filter(|n| !n.trim().is_empty()) {
        Some(n) => n,
        None => format!("Computer {}", crate::numbers::derived_series(device_id)),
    }
}

fn named(conn: &rusqlite::Connection, company_id: &str, device_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT name FROM device_names WHERE company_id = ?1 AND device_id = ?2 AND name <> ''",
        )?
        .query_row([company_id, device_id], |r| r.get(0))
        .optional()?)
}

/// Records that a movement pulled from another device touched its pair: the Stock screen shows
/// the latest of them. Called in the transaction that applies it.
pub(crate) fn note_movement_elsewhere(tx: &Tx<'_>, movement_id: &str) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO stock_changes_elsewhere (product_id, warehouse_id, device_id, occurred_at)
             SELECT product_id, warehouse_id, device_id, occurred_at FROM stock_movements
              WHERE stored_id = ?1 AND device_id <> ?2
             ON CONFLICT (product_id, warehouse_id) DO UPDATE SET
                 device_id = excluded.device_id, occurred_at = excluded.occurred_at
             WHERE excluded.occurred_at > stock_changes_elsewhere.occurred_at",
        )?
        .execute(params![crate::ids::stored(movement_id), tx.device_id()])?;
    Ok(())
}

impl Store {
    /// This computer's name in `company_id`.
    pub fn device_name(&self, company_id: &str) -> Result<DeviceNameSettings> {
        self.authorize(company_id, Action::Read)?;
        crate::lookup::get_company(&self.conn, company_id)?;
        Ok(DeviceNameSettings {
            name: named(&self.conn, company_id, self.device_id())?,
            fallback: device_label(None, self.device_id()),
        })
    }

    /// Names this computer in `company_id` (an owner's setting; `None` or blank: back to the
    /// fallback). The name syncs like any catalog field, so the other computers show it.
    pub fn set_device_name(
        &mut self,
        company_id: &str,
        name: Option<&str>,
    ) -> Result<DeviceNameSettings> {
        self.authorize(company_id, Action::Settings)?;
        crate::lookup::get_company(&self.conn, company_id)?;
        let name = crate::validate::optional("name", "The name", name, MAX_DEVICE_NAME)?
            .unwrap_or_default();
        let device_id = self.device_id().to_owned();
        let id = pair_id("device_name", company_id, &device_id);
        self.write(|tx| {
            let exists = tx
                .conn
                .prepare_cached("SELECT 1 FROM device_names WHERE id = ?1")?
                .exists([&id])?;
            if !exists && name.is_empty() {
                return Ok(());
            }
            let before = tx.before(Entity::DeviceName, &id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "INSERT INTO device_names (id, company_id, device_id, name, updated_hlc)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_hlc = excluded.updated_hlc",
                params![id, company_id, device_id, name, hlc],
            )?;
            if exists {
                tx.updated(Entity::DeviceName, &id, &hlc, before)
            } else {
                tx.inserted(Entity::DeviceName, &id, &hlc)
            }
        })?;
        tracing::info!(%company_id, "device named");
        self.device_name(company_id)
    }

    /// The pairs of `company_id` that last moved on another computer, with when and where.
    pub fn stock_changes_elsewhere(&self, company_id: &str) -> Result<Vec<StockChangeElsewhere>> {
        self.authorize(company_id, Action::Read)?;
        crate::lookup::get_company(&self.conn, company_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.product_id, c.warehouse_id, c.device_id, dn.name, c.occurred_at
             FROM stock_changes_elsewhere c
             JOIN products p ON p.id = c.product_id
             LEFT JOIN device_names dn ON dn.company_id = p.company_id AND dn.device_id = c.device_id
             WHERE p.company_id = ?1 AND c.device_id <> ?2
             ORDER BY c.occurred_at DESC",
        )?;
        let rows = stmt.query_map(params![company_id, self.device_id()], |r| {
            let device_id: String = r.get(2)?;
            Ok(StockChangeElsewhere {
                product_id: r.get(0)?,
                warehouse_id: r.get(1)?,
                device_name: device_label(r.get(3)?, &device_id),
                device_id,
                occurred_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
