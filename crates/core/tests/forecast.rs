//! The dashboard's stock-out forecast (rows running out within 7, 14, 30 days, whatever their
//! threshold) and the alert notices behind the desktop notification (once per product and
//! warehouse, new again after the alert clears).

mod common;

use std::path::Path;

use common::Fixture;
use stockflow_core::*;

/// Noon, so that both edges of the 30-day window are partial days read from the movements.
const NOW: &str = "2025-01-01T12:00:00Z";

/// Harbour: Main, Back and Old (archived after the import); Other: its own warehouse. Each
/// product's comment gives its recent sales in Main at NOW and the days until stock-out.
fn write_dataset(dir: &Path) {
    let files = [
        ("companies.csv", "id,name\n1,Harbour\n2,Other\n"),
        (
            "warehouses.csv",
            "id,company_id,name\n1,1,Main\n2,1,Back\n3,1,Old\n4,2,Far\n",
        ),
        ("product_types.csv", "product_type,default_threshold\n"),
        (
            "products.csv",
            "id,company_id,sku,name,price,product_type\n\
             1,1,FAST,Fast,1.00,\n\
             2,1,WEEK,Week,1.00,\n\
             3,1,SLOW,Slow,1.00,\n\
             4,1,MONTH,Month,1.00,\n\
             5,1,DORMANT,Dormant,1.00,\n\
             6,1,EDGE,Edge,1.00,\n\
             7,1,GONE,Gone,1.00,\n\
             8,2,ELSEWHERE,Elsewhere,1.00,\n",
        ),
        ("suppliers.csv", "id,company_id,name,contact_email\n"),
        (
            "product_suppliers.csv",
            "product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n",
        ),
        ("thresholds.csv", "product_id,warehouse_id,threshold\n"),
        (
            "sales.csv",
            "id,product_id,warehouse_id,quantity,sold_at\n\
             1,1,1,22,2024-12-20T10:00:00Z\n\
             2,2,1,50,2024-12-10T09:00:00Z\n\
             3,2,1,10,2025-01-01T11:59:59Z\n\
             4,3,1,60,2024-12-15T00:00:00Z\n\
             5,4,1,60,2024-12-25T00:00:00Z\n\
             6,5,1,40,2024-11-20T10:00:00Z\n\
             7,6,1,50,2024-12-02T11:59:59Z\n\
             8,6,1,9,2024-12-02T12:00:00Z\n\
             9,6,2,1,2024-12-30T10:00:00Z\n\
             10,7,1,10,2024-12-30T10:00:00Z\n\
             11,1,3,5,2024-12-30T10:00:00Z\n\
             12,8,4,10,2024-12-30T10:00:00Z\n",
        ),
        (
            "inventory.csv",
            "product_id,warehouse_id,quantity\n\
             1,1,5\n\
             2,1,14\n\
             3,1,58\n\
             4,1,60\n\
             5,1,0\n\
             6,1,3\n\
             6,2,1000\n\
             7,1,1\n\
             1,3,0\n\
             8,4,1\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// The dataset imported, with Old and GONE archived: (fixture, Harbour's id, Other's id).
fn imported() -> (Fixture, String, String) {
    let mut fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path());
    fx.store.import_dir(dir.path(), &mut |_| {}).unwrap();
    let harbour = fx.store.find_company("Harbour").unwrap().id;
    let other = fx.store.find_company("Other").unwrap().id;
    let old = fx.store.find_warehouse(&harbour, "Old").unwrap().id;
    fx.store.set_warehouse_archived(&old, true).unwrap();
    let gone = fx.store.find_product_by_sku(&harbour, "GONE").unwrap().id;
    fx.store.set_product_archived(&gone, true).unwrap();
    (fx, harbour, other)
}

fn forecast(store: &Store, company: &str, now: &str) -> StockoutForecast {
    store
        .stockout_forecast(&ForecastQuery {
            company_id: company.into(),
            now: Some(now.into()),
            window_days: 0,
        })
        .unwrap()
}

fn buckets(f: &StockoutForecast) -> (i64, i64, i64, i64) {
    (
        f.selling,
        f.within_7_days,
        f.within_14_days,
        f.within_30_days,
    )
}

#[test]
fn the_forecast_counts_selling_rows_by_days_until_stockout_whatever_their_threshold() {
    let (fx, harbour, other) = imported();
    // FAST 30*5/22 = 6; WEEK 30*14/60 = 7 (not under 7); EDGE 30*3/9 = 10 (only the sale at
    // the window's first instant counts); SLOW 30*58/60 = 29 although above its threshold;
    // MONTH 30*60/60 = 30 (not under 30); EDGE in Back 30000. DORMANT sold before the window;
    // GONE is archived, FAST in Old is in an archived warehouse, ELSEWHERE is another
    // company's.
    let f = forecast(&fx.store, &harbour, NOW);
    assert_eq!(f.window_days, 30);
    assert_eq!(
        buckets(&f),
        (6, 1, 3, 4),
        "selling rows, then under 7, 14, 30 days"
    );
    assert_eq!(buckets(&forecast(&fx.store, &other, NOW)), (1, 1, 1, 1));
}

#[test]
fn the_forecast_agrees_with_the_alerts_on_the_rows_that_alert() {
    let (fx, harbour, _) = imported();
    let alerts = fx
        .store
        .low_stock_alerts(&AlertQuery {
            company_id: harbour.clone(),
            now: Some(NOW.into()),
            ..Default::default()
        })
        .unwrap()
        .alerts;
    let days: Vec<(&str, i64)> = alerts
        .iter()
        .map(|a| (a.sku.as_str(), a.days_until_stockout))
        .collect();
    // Below the company default of 10: FAST (5), EDGE in Main (3). WEEK (14) and the others
    // are above it, so they are in the forecast but not alerts.
    assert_eq!(days, [("FAST", 6), ("EDGE", 10)]);
}

#[test]
fn the_window_is_exact_to_the_second_at_both_edges() {
    let (fx, harbour, _) = imported();
    // One second later, EDGE's sale at the window's first instant has left it: EDGE stops
    // selling in Main and drops out.
    let later = forecast(&fx.store, &harbour, "2025-01-01T12:00:01Z");
    assert_eq!(buckets(&later), (5, 1, 2, 3));
    // One second earlier, WEEK's sale at 11:59:59 is not in the window yet (the window ends
    // before it): 30*14/50 = 8, still under 14. EDGE's sale at 11:59:59 is in: 30*3/59 = 1.
    let earlier = forecast(&fx.store, &harbour, "2025-01-01T11:59:59Z");
    assert_eq!(buckets(&earlier), (6, 2, 3, 4));
}

#[test]
fn returns_are_netted_and_todays_sales_count() {
    let mut fx = Fixture::with_company("Corner");
    let main = fx.warehouse("Main");
    let company = fx.company.clone();
    let mug = fx
        .store
        .create_product(
            &company,
            &ProductInput {
                sku: "MUG".into(),
                name: "Mug".into(),
                price: "4.00".into(),
                initial_stock: vec![InitialStock {
                    warehouse_id: main.clone(),
                    quantity: 10,
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let sale = fx
        .store
        .record_sale(
            &company,
            &SaleInput {
                warehouse_id: main.clone(),
                lines: vec![SaleLineInput {
                    product_id: mug.clone(),
                    quantity: 8,
                    unit_price: None,
                }],
                note: None,
            },
        )
        .unwrap();
    // A moment after the sale, so that it is inside the window whatever the clock's resolution.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
    // 30*2/8 = 7.
    assert_eq!(buckets(&forecast(&fx.store, &company, &soon)), (1, 0, 1, 1));

    fx.store
        .record_return(
            &company,
            &ReturnInput {
                sale_id: sale.id,
                lines: vec![QuantityLine {
                    product_id: mug,
                    quantity: 4,
                }],
                note: None,
            },
        )
        .unwrap();
    // Net 4 sold, 6 on hand: 30*6/4 = 45 days.
    assert_eq!(buckets(&forecast(&fx.store, &company, &soon)), (1, 0, 0, 0));
}

#[test]
fn a_bad_forecast_query_is_refused() {
    let (fx, harbour, _) = imported();
    let err = fx
        .store
        .stockout_forecast(&ForecastQuery {
            company_id: harbour,
            now: Some(NOW.into()),
            window_days: 400,
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("window_days"));
    let err = fx
        .store
        .stockout_forecast(&ForecastQuery {
            company_id: "nope".into(),
            now: None,
            window_days: 0,
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound { .. }),
        "an unknown company is not found: {err:?}"
    );
}

fn skus(alerts: &[Alert]) -> Vec<(&str, &str)> {
    alerts
        .iter()
        .map(|a| (a.sku.as_str(), a.warehouse_name.as_str()))
        .collect()
}

#[test]
fn an_alert_is_noticed_once_and_again_only_after_it_cleared() {
    let (mut fx, harbour, other) = imported();
    let first = fx
        .store
        .take_new_alert_notices(&harbour, Some(NOW))
        .unwrap();
    assert_eq!(skus(&first), [("FAST", "Main"), ("EDGE", "Main")]);
    assert!(
        fx.store
            .take_new_alert_notices(&harbour, Some(NOW))
            .unwrap()
            .is_empty(),
        "a refresh tells nothing new"
    );
    assert_eq!(fx.count("alert_notices"), 2);

    // FAST is restocked: its alert clears and is forgotten.
    let main = fx.store.find_warehouse(&harbour, "Main").unwrap().id;
    let fast = fx.store.find_product_by_sku(&harbour, "FAST").unwrap().id;
    fx.store
        .receive_stock(
            &harbour,
            &ReceiptInput {
                warehouse_id: main.clone(),
                lines: vec![QuantityLine {
                    product_id: fast.clone(),
                    quantity: 100,
                }],
                note: None,
            },
        )
        .unwrap();
    assert!(fx
        .store
        .take_new_alert_notices(&harbour, Some(NOW))
        .unwrap()
        .is_empty());
    assert_eq!(fx.count("alert_notices"), 1, "FAST's notice is forgotten");

    // It runs low again: new again, and only it.
    let reasons = fx.store.list_adjustment_reasons(&harbour).unwrap();
    fx.store
        .adjust_stock(
            &harbour,
            &AdjustmentInput {
                warehouse_id: main,
                reason: reasons[0].name.clone(),
                lines: vec![QuantityLine {
                    product_id: fast,
                    quantity: -100,
                }],
                note: None,
            },
        )
        .unwrap();
    let again = fx
        .store
        .take_new_alert_notices(&harbour, Some(NOW))
        .unwrap();
    assert_eq!(skus(&again), [("FAST", "Main")]);

    // Another company's notices are its own: taking them leaves Harbour's alone.
    let elsewhere = fx.store.take_new_alert_notices(&other, Some(NOW)).unwrap();
    assert_eq!(skus(&elsewhere), [("ELSEWHERE", "Far")]);
    assert_eq!(fx.count("alert_notices"), 3);
    assert!(fx
        .store
        .take_new_alert_notices(&harbour, Some(NOW))
        .unwrap()
        .is_empty());
}

#[test]
fn notices_of_an_unknown_company_are_refused_and_nothing_is_written() {
    let (mut fx, _, _) = imported();
    let before = common::snapshot(&fx.path);
    let err = fx
        .store
        .take_new_alert_notices("nope", Some(NOW))
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(common::snapshot(&fx.path), before);
}

/// The rows of a CSV file written by `gen_dataset.py` (plain CSV: no quotes, no commas inside
/// values), header skipped.
fn rows(dir: &Path, file: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(dir.join(file))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn the_forecast_equals_a_plain_count_over_generated_data() {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Not at midnight: both edge days are partial.
    let now = "2025-01-01T13:45:12Z";
    let out = std::process::Command::new("python3")
        .arg(bench.join("gen_dataset.py"))
        .args(["--scale", "S", "--seed", "7", "--now", now, "--out"])
        .arg(&data)
        .output()
        .expect("python3 runs ../shared/bench/gen_dataset.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The definition, straight from the files: units sold per stocked row in
    // [now - 30 days, now), then (30 * on hand) / sold for the rows that sold.
    let since = "2024-12-02T13:45:12Z";
    let mut sold = std::collections::HashMap::<(String, String), i64>::new();
    for s in rows(&data, "sales.csv") {
        if s[4].as_str() >= since && s[4].as_str() < now {
            *sold.entry((s[1].clone(), s[2].clone())).or_default() += s[3].parse::<i64>().unwrap();
        }
    }
    let mut expected = (0, 0, 0, 0);
    for r in rows(&data, "inventory.csv") {
        let Some(&recent) = sold.get(&(r[0].clone(), r[1].clone())) else {
            continue;
        };
        let days = 30 * r[2].parse::<i64>().unwrap().max(0) / recent;
        expected.0 += 1;
        expected.1 += i64::from(days < 7);
        expected.2 += i64::from(days < 14);
        expected.3 += i64::from(days < 30);
    }

    let mut fx = Fixture::new();
    fx.store.import_dir(&data, &mut |_| {}).unwrap();
    let company = fx.store.find_company("Company 1").unwrap().id;
    assert_eq!(buckets(&forecast(&fx.store, &company, now)), expected);
}
