//! The dashboard's view ahead: how many stock rows run out within 7, 14 and 30 days at their
//! recent pace, and which alerts are new since the user was last told (for the desktop
//! notification, once per product and warehouse).
//!
//! The forecast uses the alerts' window and arithmetic (DESIGN §3: units sold net of returns in
//! `now - W days <= t < now`, `days_until_stockout = (W * on_hand) / recent`) on every selling
//! row, not only those below their threshold. Like alerts it reads the window's whole days from
//! the daily rollup and only its two partial edge days from the movements.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::alerts::{Window, DEFAULT_WINDOW_DAYS};
use crate::auth::Action;
use crate::catalog::get_company;
use crate::db::Store;
use crate::error::{Error, Result};
use crate::model::{Alert, AlertQuery, ForecastQuery, StockoutForecast};

/// The horizons of the forecast, in days.
const HORIZONS: [i64; 3] = [7, 14, 30];

/// A text column, borrowed from the row: no copy for the rows the merge only passes over.
fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
            .into()
    })
}

/// Steps the rollup sums to their next row, copying its key into the buffers; false at the end.
fn next_sum(
    rows: &mut rusqlite::Rows<'_>,
    product: &mut String,
    warehouse: &mut String,
    units: &mut i64,
) -> Result<bool> {
    let Some(r) = rows.next()? else {
        return Ok(false);
    };
    product.clear();
    product.push_str(text(r, 0)?);
    warehouse.clear();
    warehouse.push_str(text(r, 1)?);
    *units = r.get(2)?;
    Ok(true)
}

/// The window length and its end, as alerts read them: 0 days means the default.
fn window_of(now: Option<&str>, window_days: u32) -> Result<(u32, DateTime<Utc>)> {
    let days = match window_days {
        0 => DEFAULT_WINDOW_DAYS,
        d @ 1..=365 => d,
        _ => {
            return Err(Error::validation(
                "window_days",
                "a window is 1 to 365 days",
            ))
        }
    };
    let now = match now {
        Some(t) => crate::validate::timestamp("now", t)?
            .parse::<DateTime<Utc>>()
            .map_err(|_| Error::validation("now", "unreadable time"))?,
        None => Utc::now(),
    };
    Ok((days, now))
}

impl Store {
    /// How many rows of active products in active warehouses of the company, with sales in the
    /// window, have a `days_until_stockout` under 7, 14 and 30 days, whatever their threshold.
    pub fn stockout_forecast(&self, q: &ForecastQuery) -> Result<StockoutForecast> {
        self.authorize(&q.company_id, Action::Read)?;
        get_company(&self.conn, &q.company_id)?;
        let (days, now) = window_of(q.now.as_deref(), q.window_days)?;
        let w = Window::new(now, days);
        // Two passes in the same key order (product, warehouse), merged here: every stock row,
        // and the rollup's whole days of the window summed per row (grouping in key order needs
        // no sort). The partial edge days come from the movements, summed once for the company
        // (at most a day's sales). SQLite has no merge join: as one statement, every selling row
        // was a lookup into stock levels, twice as slow at scale M.
        // One snapshot for every read below (rolled back on drop: nothing is written).
        let snapshot = self.conn.unchecked_transaction()?;
        let active: HashSet<String> = snapshot
            .prepare_cached("SELECT id FROM warehouses WHERE company_id = ?1 AND archived = 0")?
            .query_map([&q.company_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let archived: HashSet<String> = snapshot
            .prepare_cached("SELECT id FROM products WHERE company_id = ?1 AND archived = 1")?
            .query_map([&q.company_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut edges: HashMap<String, Vec<(String, i64)>> = HashMap::new();
        let mut stmt = snapshot.prepare_cached(
            "SELECT product_id, warehouse_id, -SUM(quantity) FROM stock_movements
             WHERE company_id = ?1 AND kind IN ('sale', 'return')
               AND ((occurred_at >= ?2 AND occurred_at < ?3) OR (occurred_at >= ?4 AND occurred_at < ?5))
             GROUP BY product_id, warehouse_id",
        )?;
        let mut rows = stmt.query(params![
            q.company_id,
            w.head.0,
            w.head.1,
            w.tail.0,
            w.tail.1
        ])?;
        while let Some(r) = rows.next()? {
            edges
                .entry(r.get(0)?)
                .or_default()
                .push((r.get(1)?, r.get(2)?));
        }

        let mut stock = snapshot.prepare_cached(
            "SELECT product_id, warehouse_id, on_hand FROM stock_levels
             ORDER BY product_id, warehouse_id",
        )?;
        let mut sums = snapshot.prepare_cached(
            "SELECT product_id, warehouse_id, SUM(units) FROM sales_daily
             WHERE day >= ?1 AND day < ?2
             GROUP BY product_id, warehouse_id ORDER BY product_id, warehouse_id",
        )?;
        let mut sum_rows = sums.query(params![w.first_day, w.end_day])?;
        // The current rollup sum and its key, kept in reused buffers.
        let (mut sum_product, mut sum_warehouse, mut sum_units) = (String::new(), String::new(), 0);
        let mut sums_left = next_sum(
            &mut sum_rows,
            &mut sum_product,
            &mut sum_warehouse,
            &mut sum_units,
        )?;
        let window = i64::from(days);
        let mut counts = [0i64; 4];
        let mut stock_rows = stock.query([])?;
        while let Some(r) = stock_rows.next()? {
            let product = text(r, 0)?;
            let warehouse = text(r, 1)?;
            let key = (product, warehouse);
            while sums_left && (sum_product.as_str(), sum_warehouse.as_str()) < key {
                sums_left = next_sum(
                    &mut sum_rows,
                    &mut sum_product,
                    &mut sum_warehouse,
                    &mut sum_units,
                )?;
            }
            if !active.contains(warehouse) || archived.contains(product) {
                continue;
            }
            let mut recent = if sums_left && (sum_product.as_str(), sum_warehouse.as_str()) == key {
                sum_units
            } else {
                0
            };
            if let Some(sold) = edges.get(product) {
                recent += sold
                    .iter()
                    .filter(|(w, _)| w == warehouse)
                    .map(|(_, units)| units)
                    .sum::<i64>();
            }
            if recent <= 0 {
                continue;
            }
            let on_hand: i64 = r.get(2)?;
            // DESIGN §3: floor(max(on_hand, 0) / (recent / W)), exactly, in integers.
            let days_left = (window * on_hand.max(0)) / recent;
            counts[0] += 1;
            for (i, horizon) in HORIZONS.iter().enumerate() {
                if days_left < *horizon {
                    counts[i + 1] += 1;
                }
            }
        }
        let [selling, within_7_days, within_14_days, within_30_days] = counts;
        Ok(StockoutForecast {
            window_days: days,
            selling,
            within_7_days,
            within_14_days,
            within_30_days,
        })
    }

    /// The company's alerts that the user has not been told about yet: each (product,
    /// warehouse) pair alerting now and not yet noticed is recorded as seen at `now` and
    /// returned; pairs whose alert has cleared are forgotten, so an alert that comes back is new
    /// again. Calling it twice in a row returns the new alerts once.
    pub fn take_new_alert_notices(
        &mut self,
        company_id: &str,
        now: Option<&str>,
    ) -> Result<Vec<Alert>> {
        let (_, at) = window_of(now, 0)?;
        // Reading the alerts is all it takes: the notices are this device's own bookkeeping.
        self.authorize(company_id, Action::Read)?;
        let current = self
            .low_stock_alerts(&AlertQuery {
                company_id: company_id.to_owned(),
                now: Some(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                ..Default::default()
            })?
            .alerts;
        let seen_at = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.write(|tx| {
            let alerting: HashSet<(&str, &str)> = current
                .iter()
                .map(|a| (a.product_id.as_str(), a.warehouse_id.as_str()))
                .collect();
            let noticed: Vec<(String, String)> = tx
                .conn
                .prepare(
                    "SELECT n.product_id, n.warehouse_id FROM alert_notices n
                     JOIN warehouses w ON w.id = n.warehouse_id
                     WHERE w.company_id = ?1",
                )?
                .query_map([company_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut forget = tx
                .conn
                .prepare("DELETE FROM alert_notices WHERE product_id = ?1 AND warehouse_id = ?2")?;
            for (product, warehouse) in &noticed {
                if !alerting.contains(&(product.as_str(), warehouse.as_str())) {
                    forget.execute([product, warehouse])?;
                }
            }
            let mut notice = tx.conn.prepare(
                "INSERT INTO alert_notices (product_id, warehouse_id, first_seen_at)
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?;
            let mut fresh = Vec::new();
            for alert in &current {
                if notice.execute(params![alert.product_id, alert.warehouse_id, seen_at])? == 1 {
                    fresh.push(alert.clone());
                }
            }
            Ok(fresh)
        })
    }
}
