//! The lists on screen as spreadsheet CSV (issue #15): a byte order mark, headers in words,
//! commas and quotes quoted, accents intact, formulas defused, every row of every page.

mod common;

use common::Fixture;
use stockflow_core::*;

fn csv(fx: &Fixture, list: ListExport) -> (Vec<String>, u64) {
    let dest = fx.path.with_file_name("list.csv");
    let rows = fx.store.export_list_csv(&list, &dest).unwrap();
    let bytes = std::fs::read(&dest).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    (text.lines().map(str::to_owned).collect(), rows)
}

#[test]
fn each_list_exports_every_row_with_headers_in_words() {
    let mut fx = Fixture::with_company("Harbour Hardware");
    let main = fx.warehouse("Main");
    let company = fx.company.clone();
    let mut ids = Vec::new();
    // More than one page of products (a page is 500).
    let inputs: Vec<ProductInput> = (0..520)
        .map(|i| ProductInput {
            sku: format!("P-{i:04}"),
            name: match i {
                0 => "Café mug, \"blue\"".to_owned(),
                1 => "=HYPERLINK(\"http://x\")".to_owned(),
                _ => format!("Plain product {i}"),
            },
            price: "2.50".into(),
            threshold: Some(50),
            initial_stock: vec![InitialStock {
                warehouse_id: main.clone(),
                quantity: 10,
            }],
            ..Default::default()
        })
        .collect();
    fx.store.create_products(&company, &inputs).unwrap();
    for sku in ["P-0000", "P-0001"] {
        let id = fx.store.find_product_by_sku(&company, sku).unwrap().id;
        ids.push(id.clone());
        fx.store
            .record_sale(
                &company,
                &SaleInput {
                    warehouse_id: main.clone(),
                    lines: vec![SaleLineInput {
                        product_id: id,
                        quantity: 2,
                        unit_price: None,
                    }],
                    note: None,
                },
            )
            .unwrap();
    }

    let (lines, rows) = csv(
        &fx,
        ListExport::Products(ProductQuery {
            company_id: company.clone(),
            ..Default::default()
        }),
    );
    assert_eq!(rows, 520, "every page");
    assert_eq!(lines.len(), 521);
    assert_eq!(lines[0], "SKU,Name,Barcode,Price,Type,On hand,Kit,Archived");
    assert!(
        lines.contains(&"P-0000,\"Café mug, \"\"blue\"\"\",,2.50,,8,no,no".to_owned()),
        "quoted, accents kept: {:?}",
        &lines[..3]
    );
    assert!(
        lines.iter().any(|l| l.starts_with("P-0001,\"'=HYPERLINK(")),
        "a formula is defused"
    );

    let (lines, rows) = csv(
        &fx,
        ListExport::Stock(StockQuery {
            company_id: company.clone(),
            ..Default::default()
        }),
    );
    assert_eq!(rows, 520);
    assert_eq!(lines[0], "SKU,Product,Warehouse,On hand,Available");

    let (lines, rows) = csv(
        &fx,
        ListExport::Alerts(AlertQuery {
            company_id: company.clone(),
            ..Default::default()
        }),
    );
    assert_eq!(rows, 2, "the two products that sold are below 50");
    assert!(lines[0].starts_with("SKU,Product,Warehouse,On hand,Threshold,Sold in the window,"));

    let (lines, rows) = csv(
        &fx,
        ListExport::History(HistoryQuery {
            company_id: company.clone(),
            ..Default::default()
        }),
    );
    assert_eq!(
        rows, 522,
        "520 receipts of initial stock and 2 sales, past the first page"
    );
    assert_eq!(
        lines[0],
        "When,Kind,SKU,Product,Warehouse,Quantity,Reason,Reference,Note,User"
    );
    assert!(
        lines[1].contains(",sale,P-0001,"),
        "newest first: {}",
        lines[1]
    );

    let (lines, rows) = csv(
        &fx,
        ListExport::Sales(SaleQuery {
            company_id: company.clone(),
            ..Default::default()
        }),
    );
    assert_eq!(rows, 2);
    assert_eq!(
        lines[0],
        "Sold at,Warehouse,Lines,Units,Units returned,Total,Sale"
    );
    assert!(lines[1].contains(",Main,1,2,0,5.00,"), "{}", lines[1]);
}
