//! The dashboard's view ahead: how many stock rows run out within 7, 14 and 30 days at their
//! recent pace, and which alerts are new since the user was last told (for the desktop
//! notification, once per product and warehouse).
//!
//! The forecast uses the alerts' window and arithmetic (DESIGN §3: units sold net of returns in
//! `now - W days <= t < now`, `days_until_stockout = (W * on_hand) / recent`) on every selling
//! row, not only those below their threshold. Like alerts it reads the window's whole days from
//! the daily rollup and only its two partial edge days from the movements.

use std::collections::HashSet;

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
        // One pass over the rollup's whole days in its key order (product, warehouse, day), which
        // groups without sorting; the two partial edge days are summed once for the company from
        // the movements (at most a day's sales) and added, including the pairs that sold only
        // there. Then one stock-row lookup per selling pair.
        let mut stmt = self.conn.prepare_cached(
            "WITH active AS MATERIALIZED (
                 SELECT id FROM warehouses WHERE company_id = ?1 AND archived = 0
             ),
             edge AS MATERIALIZED (
                 SELECT m.product_id, m.warehouse_id, -SUM(m.quantity) AS units
                 FROM stock_movements m
                 WHERE m.company_id = ?1 AND m.kind IN ('sale', 'return')
                   AND ((m.occurred_at >= ?4 AND m.occurred_at < ?5)
                     OR (m.occurred_at >= ?6 AND m.occurred_at < ?7))
                 GROUP BY m.product_id, m.warehouse_id
             ),
             rollup AS MATERIALIZED (
                 SELECT d.product_id, d.warehouse_id, SUM(d.units) AS units
                 FROM sales_daily d
                 WHERE d.day >= ?2 AND d.day < ?3 AND d.warehouse_id IN active
                 GROUP BY d.product_id, d.warehouse_id
             ),
             recent AS (
                 SELECT r.product_id, r.warehouse_id, r.units + COALESCE(e.units, 0) AS units
                 FROM rollup r
                 LEFT JOIN edge e ON e.product_id = r.product_id AND e.warehouse_id = r.warehouse_id
                 UNION ALL
                 SELECT e.product_id, e.warehouse_id, e.units
                 FROM edge e
                 WHERE NOT EXISTS (SELECT 1 FROM sales_daily d
                                   WHERE d.product_id = e.product_id AND d.warehouse_id = e.warehouse_id
                                     AND d.day >= ?2 AND d.day < ?3)
             ),
             selling AS MATERIALIZED (
                 SELECT MAX(s.on_hand, 0) AS on_hand, x.units AS recent
                 FROM recent x
                 JOIN stock_levels s ON s.product_id = x.product_id AND s.warehouse_id = x.warehouse_id
                 WHERE x.units > 0 AND s.warehouse_id IN active
                   AND s.product_id NOT IN (SELECT id FROM products WHERE company_id = ?1 AND archived = 1)
             )
             SELECT COUNT(*),
                    COALESCE(SUM((?8 * on_hand) / recent < ?9), 0),
                    COALESCE(SUM((?8 * on_hand) / recent < ?10), 0),
                    COALESCE(SUM((?8 * on_hand) / recent < ?11), 0)
             FROM selling",
        )?;
        let (selling, within_7_days, within_14_days, within_30_days) = stmt.query_row(
            params![
                q.company_id,
                w.first_day,
                w.end_day,
                w.head.0,
                w.head.1,
                w.tail.0,
                w.tail.1,
                i64::from(days),
                HORIZONS[0],
                HORIZONS[1],
                HORIZONS[2],
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
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
            let mut forget = tx.conn.prepare(
                "DELETE FROM alert_notices WHERE product_id = ?1 AND warehouse_id = ?2",
            )?;
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
