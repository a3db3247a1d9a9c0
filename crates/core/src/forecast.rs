//! The dashboard's view ahead: how many stock rows run out within 7, 14 and 30 days at their
//! recent pace. (Which alerts are new since the user was last told is in `alerts.rs`.)
//!
//! The forecast uses the alerts' window and arithmetic (DESIGN §3: units sold net of returns in
//! `now - W days <= t < now`, `days_until_stockout = (W * on_hand) / recent`) on every selling
//! row, not only those below their threshold. Like alerts it reads the window's whole days from
//! the daily rollup and only its two partial edge days from the movements.

use std::collections::{HashMap, HashSet};

use rusqlite::params;

use crate::alerts::{window_of, Window};
use crate::auth::Action;
use crate::db::Store;
use crate::error::Result;
use crate::lookup::get_company;
use crate::model::{ForecastQuery, StockoutForecast};

/// The horizons of the forecast, in days.
const HORIZONS: [i64; 3] = [7, 14, 30];

/// A text column, borrowed from the row: no copy for the rows the scan only passes over.
fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
            .into()
    })
}

impl Store {
    /// How many rows of active products in active warehouses of the company, with sales in the
    /// window, have a `days_until_stockout` under 7, 14 and 30 days, whatever their threshold.
    pub fn stockout_forecast(&self, q: &ForecastQuery) -> Result<StockoutForecast> {
        self.authorize(&q.company_id, Action::Read)?;
        get_company(&self.conn, &q.company_id)?;
        let (days, now) = window_of(q.now.as_deref(), q.window_days)?;
        let w = Window::new(now, days);
        // One snapshot for every read below (rolled back on drop: nothing is written).
        let snapshot = self.conn.unchecked_transaction()?;

        // The company's active products, as a bitmap over their seq range, and its active
        // warehouses' seqs: what the integer keys of the rollup are made of.
        let seqs: Vec<i64> = snapshot
            .prepare_cached("SELECT seq FROM products WHERE company_id = ?1 AND archived = 0")?
            .query_map([&q.company_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let (Some(&first), Some(&last)) = (seqs.iter().min(), seqs.iter().max()) else {
            return Ok(StockoutForecast {
                window_days: days,
                selling: 0,
                within_7_days: 0,
                within_14_days: 0,
                within_30_days: 0,
            });
        };
        let mut active_product = vec![false; (last - first + 1) as usize];
        for seq in &seqs {
            active_product[(seq - first) as usize] = true;
        }
        let warehouses: HashMap<String, i64> = snapshot
            .prepare_cached(
                "SELECT id, seq FROM warehouses WHERE company_id = ?1 AND archived = 0",
            )?
            .query_map([&q.company_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let active_warehouse: HashSet<i64> = warehouses.values().copied().collect();
        let counted = |row: i64| {
            active_product[((row >> 20) - first) as usize]
                && active_warehouse.contains(&(row & 0xF_FFFF))
        };

        // Units sold per row (product seq << 20 | warehouse seq). The window's whole days: one
        // range of the integer-keyed rollup (the company's products' rows, every day), of which
        // SQLite hands over only the window's days, in key order, so each row's days come
        // together.
        let mut recent: HashMap<i64, i64> = HashMap::new();
        let mut stmt = snapshot.prepare_cached(
            "SELECT key, units FROM sales_daily_keyed
             WHERE key >= ?1 AND key < ?2 AND (key & 65535) >= ?3 AND (key & 65535) < ?4",
        )?;
        let mut rows = stmt.query(params![
            first << 36,
            (last + 1) << 36,
            w.first_day_number,
            w.end_day_number
        ])?;
        let (mut row, mut units) = (-1, 0);
        while let Some(r) = rows.next()? {
            let key: i64 = r.get(0)?;
            if key >> 16 != row {
                if row >= 0 && counted(row) {
                    recent.insert(row, units);
                }
                (row, units) = (key >> 16, 0);
            }
            units += r.get::<_, i64>(1)?;
        }
        if row >= 0 && counted(row) {
            recent.insert(row, units);
        }
        // The two partial edge days, from the company's sale and return movements (at most a
        // day's worth).
        let mut stmt = snapshot.prepare_cached(
            "SELECT p.seq, w.seq, -SUM(m.quantity) FROM stock_movements m
             JOIN products p ON p.id = m.product_id
             JOIN warehouses w ON w.id = m.warehouse_id
             WHERE m.company_id = ?1 AND m.kind IN ('sale', 'return')
               AND ((m.occurred_ms >= ?2 AND m.occurred_ms < ?3) OR (m.occurred_ms >= ?4 AND m.occurred_ms < ?5))
             GROUP BY m.product_id, m.warehouse_id",
        )?;
        let mut rows = stmt.query(params![
            q.company_id,
            w.head.0,
            w.head.1,
            w.tail.0,
            w.tail.1
        ])?;
        while let Some(r) = rows.next()? {
            let (product, warehouse, units): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let row = (product << 20) | warehouse;
            if (first..=last).contains(&product) && counted(row) {
                *recent.entry(row).or_default() += units;
            }
        }

        // On hand of the rows that sold. A row that last sold before the window's first day
        // cannot have: the scan skips it without a lookup.
        let mut stmt = snapshot.prepare_cached(
            "SELECT product_seq, warehouse_id, on_hand FROM stock_levels
             WHERE last_sale_day >= ?1 AND product_seq >= ?2 AND product_seq <= ?3",
        )?;
        let mut rows = stmt.query(params![w.since_day, first, last])?;
        let window = i64::from(days);
        let mut counts = [0i64; 4];
        while let Some(r) = rows.next()? {
            let Some(&warehouse) = warehouses.get(text(r, 1)?) else {
                continue;
            };
            let row = (r.get::<_, i64>(0)? << 20) | warehouse;
            let Some(&sold) = recent.get(&row) else {
                continue;
            };
            if sold <= 0 {
                continue;
            }
            let on_hand: i64 = r.get(2)?;
            // DESIGN §3: floor(max(on_hand, 0) / (recent / W)), exactly, in integers.
            let days_left = (window * on_hand.max(0)) / sold;
            counts[0] += 1;
            for (i, horizon) in HORIZONS.iter().enumerate() {
                if days_left < *horizon {
                    counts[i + 1] += 1;
                }
            }
        }
        let [selling, within_7_days, within_14_days, within_30_days] = counts;
        tracing::debug!(
            company = %q.company_id,
            whole_days = %format_args!("{}..{}", w.first_day, w.end_day),
            selling,
            "stock-out forecast"
        );
        Ok(StockoutForecast {
            window_days: days,
            selling,
            within_7_days,
            within_14_days,
            within_30_days,
        })
    }
}
