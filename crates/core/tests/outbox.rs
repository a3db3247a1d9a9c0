//! One write path (DESIGN §4): every public write operation of the core, from the app's
//! command list, leaves exactly one outbox entry for each synced row it changed, with the
//! row's HLC, and no entry for a row it did not change.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::Fixture;
use stockflow_core::sync::Entity;
use stockflow_core::*;

/// (kind, id) -> (synced fields, HLC)
type Rows = BTreeMap<(Entity, String), (String, Option<String>)>;

fn rows(store: &Store) -> Rows {
    let mut out = Rows::new();
    for e in Entity::ALL {
        for (id, fields, hlc) in store.sync_rows(e).unwrap() {
            out.insert((e, id), (fields, hlc));
        }
    }
    out
}

/// (seq, company, kind, id, hlc) of the outbox entries after `after` (entries, ranges), the
/// ranges of an import (its sales, its stock rows) counted as the entries they stand for.
fn entries(path: &Path, after: (i64, i64)) -> Vec<(i64, String, String, String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT seq, company_id, entity, entity_id, hlc FROM outbox WHERE seq > ?1
             UNION ALL
             SELECT -1, s.company_id, 'sale', s.id, s.hlc
             FROM outbox_ranges r JOIN sales s ON s.company_id = r.company_id
                  AND s.seq BETWEEN r.first_sale AND r.last_sale
             WHERE r.seq > ?2 AND r.entity = 'sale'
             UNION ALL
             SELECT -1, s.company_id, 'sale_line', l.id, s.hlc
             FROM outbox_ranges r JOIN sales s ON s.company_id = r.company_id
                  AND s.seq BETWEEN r.first_sale AND r.last_sale
                  JOIN sale_lines l ON l.sale_id = s.id WHERE r.seq > ?2 AND r.entity = 'sale'
             UNION ALL
             SELECT -1, s.company_id, 'stock_movement', m.id, m.hlc
             FROM outbox_ranges r JOIN sales s ON s.company_id = r.company_id
                  AND s.seq BETWEEN r.first_sale AND r.last_sale
                  JOIN stock_movements m ON m.reference_id = s.id AND m.reference_kind = 'sale'
             WHERE r.seq > ?2 AND r.entity = 'sale'
             UNION ALL
             SELECT -1, m.company_id, 'stock_movement', m.id, m.hlc
             FROM outbox_ranges r JOIN stock_movements m ON m.company_id = r.company_id
                  AND m.seq BETWEEN r.first_sale AND r.last_sale
             WHERE r.seq > ?2 AND r.entity = 'stock_movement'
             ORDER BY 1",
        )
        .unwrap();
    stmt.query_map([after.0, after.1], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn last_seq(path: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(
        "SELECT (SELECT COALESCE(MAX(seq), 0) FROM outbox),
                (SELECT COALESCE(MAX(seq), 0) FROM outbox_ranges)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

struct Check<'a> {
    fx: &'a mut Fixture,
    covered: BTreeSet<&'static str>,
    /// Once users exist, a second connection signed in as the owner reads the rows, so the
    /// operations under test can sign in and out.
    auditor: Option<Store>,
}

impl Check<'_> {
    /// Runs one operation (named as the app's command) and checks its outbox entries.
    fn step<T>(&mut self, command: &'static str, op: impl FnOnce(&mut Store) -> T) -> T {
        self.covered.insert(command);
        let before = rows(self.auditor.as_ref().unwrap_or(&self.fx.store));
        let seq = last_seq(&self.fx.path);
        let out = op(&mut self.fx.store);
        if self.auditor.is_none() && command == "setup_owner" {
            let mut auditor = Store::open(&self.fx.path).unwrap();
            auditor
                .sign_in(&SignIn {
                    email: "olive@example.com".into(),
                    password: "correct horse 1".into(),
                })
                .unwrap();
            self.auditor = Some(auditor);
        }
        let after = rows(self.auditor.as_ref().unwrap_or(&self.fx.store));
        let new = entries(&self.fx.path, seq);

        let changed: BTreeSet<&(Entity, String)> = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, _)| k)
            .collect();
        let mut per_row: BTreeMap<(String, String), Vec<(&String, &String)>> = BTreeMap::new();
        for (_, company, entity, id, hlc) in &new {
            per_row
                .entry((entity.clone(), id.clone()))
                .or_default()
                .push((company, hlc));
        }
        for key in &changed {
            let (entity, id) = key;
            let queued = per_row
                .get(&(entity.as_str().to_owned(), id.clone()))
                .unwrap_or_else(|| {
                    panic!("{command}: {entity:?} {id} changed with no outbox entry")
                });
            let companies: BTreeSet<&String> = queued.iter().map(|(c, _)| *c).collect();
            for company in companies {
                let of_company: Vec<&String> = queued
                    .iter()
                    .filter(|(c, _)| *c == company)
                    .map(|(_, h)| *h)
                    .collect();
                match &after[*key].1 {
                    // The row's last change in this operation is queued once with its HLC (an
                    // operation that changes a row twice, like an import, queues both).
                    Some(hlc) => assert_eq!(
                        of_company.iter().filter(|h| **h == hlc).count(),
                        1,
                        "{command}: {entity:?} {id} has exactly one entry with its HLC {hlc}: {of_company:?}"
                    ),
                    None => assert_eq!(of_company.len(), 1, "{command}: {entity:?} {id} is queued once: {of_company:?}"),
                }
            }
        }
        for (_, company, entity, id, _) in &new {
            let e = Entity::parse(entity).expect("a known kind");
            let is_changed = changed.contains(&(e, id.clone()));
            // A user travels to a company with their first membership of it, unchanged.
            let joined = e == Entity::User
                && new
                    .iter()
                    .any(|(_, c, k, _, _)| c == company && k == "membership");
            assert!(
                is_changed || joined,
                "{command}: an entry for {entity} {id}, which did not change"
            );
        }
        out
    }
}

fn write_dataset(dir: &Path) {
    let files = [
        ("companies.csv", "id,name\n1,Imported\n"),
        ("warehouses.csv", "id,company_id,name\n1,1,Main\n"),
        (
            "product_types.csv",
            "product_type,default_threshold\nstandard,20\n",
        ),
        (
            "products.csv",
            "id,company_id,sku,name,price,product_type\n1,1,MUG,Mug,12.50,standard\n",
        ),
        (
            "suppliers.csv",
            "id,company_id,name,contact_email\n1,1,Potter,p@potter.example\n",
        ),
        (
            "product_suppliers.csv",
            "product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n1,1,10,5.00,1\n",
        ),
        (
            "thresholds.csv",
            "product_id,warehouse_id,threshold\n1,,15\n1,1,3\n",
        ),
        (
            "sales.csv",
            "id,product_id,warehouse_id,quantity,sold_at\n1,1,1,2,2024-12-20T10:00:00Z\n",
        ),
        ("inventory.csv", "product_id,warehouse_id,quantity\n1,1,5\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn lines_of(product: &str, quantity: i64) -> Vec<PurchaseOrderLineInput> {
    vec![PurchaseOrderLineInput {
        product_id: product.into(),
        quantity,
        unit_cost: None,
    }]
}

fn lines(product: &str, quantity: i64) -> Vec<QuantityLine> {
    vec![QuantityLine {
        product_id: product.into(),
        quantity,
    }]
}

#[test]
fn every_write_operation_queues_exactly_the_rows_it_changed() {
    let mut fx = Fixture::new();
    let mut c = Check {
        fx: &mut fx,
        covered: BTreeSet::new(),
        auditor: None,
    };
    let co = c.step("create_company", |s| {
        s.create_company(&CompanyInput {
            name: "Harbour".into(),
            ..Default::default()
        })
        .unwrap()
        .id
    });
    c.step("update_company", |s| {
        s.update_company(
            &co,
            &CompanyInput {
                name: "Harbour Hardware".into(),
                default_threshold: Some(4),
                currency: Some("EUR".into()),
                ..Default::default()
            },
        )
        .unwrap()
    });
    // Saving a form without changing anything is no change.
    c.step("update_company", |s| {
        s.update_company(
            &co,
            &CompanyInput {
                name: "Harbour Hardware".into(),
                default_threshold: Some(4),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let w1 = c.step("create_warehouse", |s| {
        s.create_warehouse(
            &co,
            &WarehouseInput {
                name: "Main".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    });
    let w2 = c.step("create_warehouse", |s| {
        s.create_warehouse(
            &co,
            &WarehouseInput {
                name: "Back".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    });
    c.step("update_warehouse", |s| {
        s.update_warehouse(
            &w2,
            &WarehouseInput {
                name: "Back room".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let w3 = c.step("create_warehouse", |s| {
        s.create_warehouse(
            &co,
            &WarehouseInput {
                name: "Old".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    });
    c.step("set_warehouse_archived", |s| {
        s.set_warehouse_archived(&w3, true).unwrap()
    });
    let t = c.step("create_product_type", |s| {
        s.create_product_type(
            &co,
            &ProductTypeInput {
                name: "Glass".into(),
                default_threshold: 3,
                ..Default::default()
            },
        )
        .unwrap()
        .id
    });
    c.step("update_product_type", |s| {
        s.update_product_type(
            &t,
            &ProductTypeInput {
                name: "Glassware".into(),
                default_threshold: 5,
                ..Default::default()
            },
        )
        .unwrap()
    });
    let product = |sku: &str| ProductInput {
        sku: sku.into(),
        name: format!("Product {sku}"),
        price: "2.50".into(),
        initial_stock: vec![InitialStock {
            warehouse_id: w1.clone(),
            quantity: 10,
        }],
        ..Default::default()
    };
    let a = c.step("create_product", |s| {
        s.create_product(&co, &product("A")).unwrap().id
    });
    let b = c.step("create_product", |s| {
        s.create_product(&co, &product("B")).unwrap().id
    });
    c.step("create_products", |s| {
        s.create_products(&co, &[product("C"), product("D")])
            .unwrap()
    });
    c.step("update_product", |s| {
        s.update_product(
            &a,
            &ProductInput {
                price: "3.00".into(),
                cost: Some("1.20".into()),
                product_type_id: Some(t.clone()),
                warehouse_thresholds: vec![WarehouseThreshold {
                    warehouse_id: w2.clone(),
                    threshold: 2,
                }],
                ..product("A")
            },
        )
        .unwrap()
    });
    let kit = c.step("create_product", |s| {
        s.create_product(
            &co,
            &ProductInput {
                initial_stock: vec![],
                ..product("KIT")
            },
        )
        .unwrap()
        .id
    });
    c.step("set_kit_components", |s| {
        s.set_kit_components(&kit, &lines(&a, 2)).unwrap()
    });
    c.step("receive_stock", |s| {
        s.receive_stock(
            &co,
            &ReceiptInput {
                warehouse_id: w1.clone(),
                lines: lines(&a, 5),
                note: None,
            },
        )
        .unwrap()
    });
    c.step("adjust_stock", |s| {
        s.adjust_stock(
            &co,
            &AdjustmentInput {
                warehouse_id: w1.clone(),
                reason: "damaged".into(),
                lines: lines(&a, -1),
                note: None,
            },
        )
        .unwrap()
    });
    c.step("transfer_stock", |s| {
        s.transfer_stock(
            &co,
            &TransferInput {
                from_warehouse_id: w1.clone(),
                to_warehouse_id: w2.clone(),
                lines: lines(&b, 2),
                note: None,
            },
        )
        .unwrap()
    });
    c.step("record_count", |s| {
        s.record_count(
            &co,
            &CountInput {
                warehouse_id: w1.clone(),
                lines: lines(&b, 7),
                counted_at: None,
            },
        )
        .unwrap()
    });
    c.step("add_adjustment_reason", |s| {
        s.add_adjustment_reason(&co, "Stolen").unwrap()
    });
    let lost = s_reason(c.fx, &co, "lost");
    c.step("remove_adjustment_reason", |s| {
        s.remove_adjustment_reason(&co, &lost).unwrap()
    });
    c.step("add_adjustment_reason", |s| {
        s.add_adjustment_reason(&co, "lost").unwrap()
    });
    let sale = c.step("record_sale", |s| {
        s.record_sale(
            &co,
            &SaleInput {
                warehouse_id: w1.clone(),
                lines: vec![
                    SaleLineInput {
                        product_id: kit.clone(),
                        quantity: 1,
                        unit_price: None,
                    },
                    SaleLineInput {
                        product_id: b.clone(),
                        quantity: 1,
                        unit_price: None,
                    },
                ],
                note: None,
            },
        )
        .unwrap()
        .id
    });
    c.step("record_return", |s| {
        s.record_return(
            &co,
            &ReturnInput {
                sale_id: sale.clone(),
                lines: lines(&b, 1),
                note: None,
            },
        )
        .unwrap()
    });
    c.step("set_product_archived", |s| {
        s.set_product_archived(&b, true).unwrap()
    });
    let sup = c.step("create_supplier", |s| {
        s.create_supplier(
            &co,
            &SupplierInput {
                name: "Acme".into(),
                contact_email: "a@acme.example".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    });
    let sup2 = c.step("create_supplier", |s| {
        s.create_supplier(
            &co,
            &SupplierInput {
                name: "Bolt".into(),
                contact_email: "b@bolt.example".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    });
    c.step("update_supplier", |s| {
        s.update_supplier(
            &sup,
            &SupplierInput {
                name: "Acme Ltd".into(),
                contact_email: "a@acme.example".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let sup3 = c.step("create_supplier", |s| {
        s.create_supplier(
            &co,
            &SupplierInput {
                name: "Gone".into(),
                contact_email: "g@gone.example".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    });
    c.step("set_supplier_archived", |s| {
        s.set_supplier_archived(&sup3, true).unwrap()
    });
    let link = |preferred: bool| ProductSupplierInput {
        lead_time_days: 3,
        unit_cost: "1.10".into(),
        preferred,
        ..Default::default()
    };
    c.step("link_supplier", |s| {
        s.link_supplier(&a, &sup, &link(true)).unwrap()
    });
    // Preferring the other supplier changes the product, not two links.
    c.step("link_supplier", |s| {
        s.link_supplier(&a, &sup2, &link(true)).unwrap()
    });
    c.step("link_supplier", |s| {
        s.link_supplier(&a, &sup2, &link(false)).unwrap()
    });
    // Removing the preferred supplier changes the product and the link; linking it again
    // brings the link back.
    c.step("link_supplier", |s| {
        s.link_supplier(&a, &sup2, &link(true)).unwrap()
    });
    c.step("unlink_supplier", |s| s.unlink_supplier(&a, &sup2).unwrap());
    c.step("link_supplier", |s| {
        s.link_supplier(&a, &sup2, &link(false)).unwrap()
    });
    let order = PurchaseOrderInput {
        supplier_id: sup.clone(),
        warehouse_id: w1.clone(),
        lines: vec![PurchaseOrderLineInput {
            product_id: a.clone(),
            quantity: 10,
            unit_cost: None,
        }],
        note: None,
        confirm_new_links: true,
    };
    let po = c.step("create_purchase_order", |s| {
        s.create_purchase_order(&co, &order).unwrap().id
    });
    // A draft edited: a quantity changed; then a line taken off and another added.
    c.step("update_purchase_order", |s| {
        s.update_purchase_order(
            &po,
            &PurchaseOrderInput {
                lines: lines_of(&a, 12),
                ..order.clone()
            },
        )
        .unwrap()
    });
    c.step("update_purchase_order", |s| {
        s.update_purchase_order(
            &po,
            &PurchaseOrderInput {
                lines: vec![PurchaseOrderLineInput {
                    product_id: b.clone(),
                    quantity: 1,
                    unit_cost: Some("2".into()),
                }],
                ..order.clone()
            },
        )
        .unwrap()
    });
    c.step("update_purchase_order", |s| {
        s.update_purchase_order(
            &po,
            &PurchaseOrderInput {
                lines: lines_of(&a, 10),
                ..order.clone()
            },
        )
        .unwrap()
    });
    c.step("send_purchase_order", |s| {
        s.send_purchase_order(&po).unwrap()
    });
    c.step("receive_purchase_order", |s| {
        s.receive_purchase_order(
            &po,
            &ReceiveOrderInput {
                lines: lines(&a, 4),
                confirm_over_receipt: false,
            },
        )
        .unwrap()
    });
    c.step("cancel_purchase_order", |s| {
        s.cancel_purchase_order(&po).unwrap()
    });
    // An order to a supplier that did not supply the product yet adds the link.
    let po2 = c.step("create_purchase_order", |s| {
        let d = s
            .create_product(
                &co,
                &ProductInput {
                    initial_stock: vec![],
                    ..product("E")
                },
            )
            .unwrap()
            .id;
        s.create_purchase_order(
            &co,
            &PurchaseOrderInput {
                supplier_id: sup2.clone(),
                lines: vec![PurchaseOrderLineInput {
                    product_id: d,
                    quantity: 3,
                    unit_cost: Some("2".into()),
                }],
                ..order.clone()
            },
        )
        .unwrap()
        .id
    });
    assert!(!po2.is_empty());
    let count = c.step("start_count", |s| {
        s.start_count(
            &co,
            &CountSessionInput {
                warehouse_id: w1.clone(),
                scope: CountScope::All,
                blind: false,
            },
        )
        .unwrap()
        .id
    });
    c.step("scan", |s| {
        s.scan(
            &count,
            &ScanInput {
                code: "A".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    c.step("scan", |s| {
        s.scan(
            &count,
            &ScanInput {
                code: "A".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    c.step("set_count_paused", |s| {
        s.set_count_paused(&count, true).unwrap()
    });
    // A scan resumes a paused count.
    c.step("scan", |s| {
        s.scan(
            &count,
            &ScanInput {
                code: "A".into(),
                quantity: Some(9),
                ..Default::default()
            },
        )
        .unwrap()
    });
    c.step("review_count", |s| s.review_count(&count).unwrap());
    c.step("commit_count", |s| {
        s.commit_count(&count, UncountedChoice::Leave).unwrap()
    });
    let other = c.step("start_count", |s| {
        s.start_count(
            &co,
            &CountSessionInput {
                warehouse_id: w2.clone(),
                scope: CountScope::All,
                blind: true,
            },
        )
        .unwrap()
        .id
    });
    c.step("cancel_count", |s| s.cancel_count(&other).unwrap());
    c.step("draft_orders_from_alerts", |s| {
        s.draft_orders_from_alerts(&DraftFromAlertsInput {
            query: AlertQuery {
                company_id: co.clone(),
                window_days: 30,
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap()
    });
    c.step("check_alert_notices", |s| {
        s.take_new_alert_notices(&co, None).unwrap()
    });
    let sheet = tempfile::tempdir().unwrap();
    let sheet = sheet.path().join("products.csv");
    std::fs::write(
        &sheet,
        "sku,name,price,cost,qty:Main,qty:Back room\nSHEET-1,From a sheet,2.50,1.00,4,\nSHEET-2,Another,3,,,6\n",
    )
    .unwrap();
    c.step("import_spreadsheet", |s| {
        s.import_spreadsheet(&co, &sheet, &[], false).unwrap()
    });
    let data = tempfile::tempdir().unwrap();
    write_dataset(data.path());
    c.step("import_dir", |s| {
        s.import_dir(data.path(), &mut |_| {}).unwrap()
    });

    // Users last: once an owner exists, everything needs a signed-in user.
    let owner = c.step("setup_owner", |s| {
        s.setup_owner(&SetupOwner {
            name: "Olive Owner".into(),
            email: "olive@example.com".into(),
            password: "correct horse 1".into(),
        })
        .unwrap()
        .id
    });
    c.step("sign_out", |s| s.sign_out());
    c.step("sign_in", |s| {
        s.sign_in(&SignIn {
            email: "olive@example.com".into(),
            password: "correct horse 1".into(),
        })
        .unwrap()
    });
    let clerk = c.step("add_user", |s| {
        s.add_user(&NewUser {
            company_id: co.clone(),
            email: "cleo@example.com".into(),
            name: "Cleo Clerk".into(),
            role: Role::Clerk,
            password: "correct horse 2".into(),
        })
        .unwrap()
        .id
    });
    c.step("set_user_role", |s| {
        s.set_user_role(&clerk, &co, Role::Manager).unwrap()
    });
    c.step("set_user_disabled", |s| {
        s.set_user_disabled(&clerk, true).unwrap()
    });
    c.step("reset_password", |s| {
        s.reset_password(&clerk, "correct horse 3").unwrap()
    });
    c.step("change_password", |s| {
        s.change_password(&ChangePassword {
            current_password: "correct horse 1".into(),
            new_password: "correct horse 4".into(),
        })
        .unwrap()
    });
    c.step("set_idle_lock_minutes", |s| {
        s.set_idle_lock_minutes(30).unwrap()
    });
    c.step("set_device_name", |s| {
        s.set_device_name(&co, Some("Front counter")).unwrap()
    });
    c.step("set_device_name", |s| {
        s.set_device_name(&co, Some("Back office")).unwrap()
    });
    // A SKU conflict as sync leaves one: product B asks for A's SKU (it lost it to A).
    rusqlite::Connection::open(&c.fx.path)
        .unwrap()
        .execute(
            "UPDATE products SET requested_sku = (SELECT sku FROM products WHERE id = ?1) WHERE id = ?2",
            [&a, &b],
        )
        .unwrap();
    c.step("keep_sync_conflict", |s| {
        s.keep_sync_conflict(&b, "sku").unwrap()
    });
    assert!(!owner.is_empty());

    // Every kind of row went out, round-trips through its JSON, and arrives whole on a new
    // device (the users with their password hashes: the owner signs in there).
    let auditor = c.auditor.as_mut().unwrap();
    let outgoing = auditor.sync_outgoing(100_000).unwrap();
    for e in Entity::ALL {
        assert!(
            outgoing.iter().any(|ch| ch.entity == e.as_str()),
            "{e:?} is sent"
        );
    }
    for ch in &outgoing {
        let json = serde_json::to_string(ch).unwrap();
        let back: stockflow_sync_proto::Change = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, ch, "{} round-trips", ch.entity);
    }
    let mut laptop = Fixture::new();
    laptop.store.start_join().unwrap();
    let by_company: BTreeSet<String> = outgoing.iter().map(|ch| ch.company_id.clone()).collect();
    for company in &by_company {
        let page: Vec<stockflow_sync_proto::PulledChange> = outgoing
            .iter()
            .filter(|ch| &ch.company_id == company)
            .enumerate()
            .map(|(i, ch)| stockflow_sync_proto::PulledChange {
                seq: i as i64 + 1,
                change: ch.clone(),
            })
            .collect();
        laptop
            .store
            .sync_apply(company, &page, page.len() as i64, "e", &[])
            .unwrap();
        // A change may wait for its parent within the page; nothing is left waiting after it.
        assert!(
            laptop.store.sync_parked().unwrap().is_empty(),
            "nothing waits: {:?}",
            laptop.store.sync_parked()
        );
    }
    laptop
        .store
        .sign_in(&SignIn {
            email: "olive@example.com".into(),
            password: "correct horse 4".into(),
        })
        .expect("the owner's new password works on the new device");
    for e in Entity::ALL {
        assert_eq!(
            laptop
                .store
                .sync_rows(e)
                .unwrap()
                .into_iter()
                .map(|(id, f, _)| (id, f))
                .collect::<Vec<_>>(),
            auditor
                .sync_rows(e)
                .unwrap()
                .into_iter()
                .map(|(id, f, _)| (id, f))
                .collect::<Vec<_>>(),
            "{e:?} rows are the same on the new device"
        );
    }
    assert_eq!(
        laptop.store.kept_levels().unwrap(),
        auditor.kept_levels().unwrap()
    );

    // Every command of the app is either exercised above or reads only.
    let capabilities = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../src-tauri/capabilities/main.json"
    ))
    .unwrap();
    let read_only = [
        "app_info",
        "list_companies",
        "company_summary",
        "list_warehouses",
        "list_product_types",
        "list_products",
        "get_product",
        "list_stock",
        "find_product_by_code",
        "list_adjustment_reasons",
        "get_sale",
        "list_sales",
        "list_movements",
        "daily_sales",
        "list_suppliers",
        "get_supplier",
        "product_suppliers",
        "supplier_products",
        "get_purchase_order",
        "list_purchase_orders",
        "on_order",
        "get_count",
        "list_open_counts",
        "counts_due",
        "low_stock_alerts",
        "stockout_forecast",
        "barcode_labels",
        "auth_status",
        "list_users",
        "numbering",
        // This device's own numbering series: a local setting, never synced.
        "set_numbering_series",
        "device_name",
        "stock_changes_elsewhere",
        // What a later edit overwrote: a local note, never synced; keeping it writes only it.
        "list_sync_overwrites",
        "keep_sync_overwrite",
        // Backups and exports write files, not rows.
        "backup_now",
        "list_backups",
        "export_company",
        "export_list_csv",
        // Products from a spreadsheet: the template (text or a file) and the preview write
        // no rows.
        "spreadsheet_template",
        "save_spreadsheet_template",
        "preview_spreadsheet",
        // Replaces the whole file: the restored database is a new sync device and queues
        // nothing (crates/core/tests/backup.rs).
        "restore_backup",
        // Sync in the app (issue #13): reading the status and conflicts, and connecting or
        // disconnecting, which write only the device's own (never synced) settings; syncing
        // itself applies others' changes and is covered by tests/sync.rs and sync_app.rs.
        "sync_status",
        "sync_now",
        "sync_connect",
        "join_shop",
        "sync_disconnect",
        "list_sync_conflicts",
        // Stopping a sync writes nothing; starting a join over replaces the whole file with an
        // empty one, only when nothing in it was made here (sync_app.rs).
        "cancel_sync",
        "discard_join",
    ];
    for permission in capabilities.split('"').filter(|p| p.starts_with("allow-")) {
        let command = permission["allow-".len()..].replace('-', "_");
        if [
            "listen", "unlisten", "open", "save", "message", "ask", "confirm",
        ]
        .contains(&command.as_str())
        {
            continue; // the event and dialog plugins
        }
        assert!(
            c.covered.contains(command.as_str()) || read_only.contains(&command.as_str()),
            "the command {command} is neither checked for its outbox entries nor listed as read-only"
        );
    }
}

#[test]
fn a_copied_database_sends_as_a_new_device_and_keeps_what_it_had_already_sent() {
    let mut fx = Fixture::with_company("Harbour");
    fx.warehouse("Main");
    let sent = fx.store.sync_outgoing(2).unwrap();
    let original = fx.store.device_id().to_owned();
    assert!(sent.iter().all(|c| c.device_id == original));

    let copy_dir = tempfile::tempdir().unwrap();
    let copy_path = copy_dir.path().join("copy.db");
    drop(std::mem::replace(
        &mut fx.store,
        Store::open(fx.path.with_file_name("other.db")).unwrap(),
    ));
    std::fs::copy(&fx.path, &copy_path).unwrap();
    let mut copy = Store::open(&copy_path).unwrap();
    assert_ne!(copy.device_id(), original, "a copy is a new device");
    let again = copy.sync_outgoing(100).unwrap();
    assert_eq!(
        &again[..2],
        &sent[..],
        "what was sent before goes again exactly as sent"
    );
    let rest = &again[2..];
    assert!(!rest.is_empty());
    assert!(
        rest.iter().all(|c| c.device_id == copy.device_id()),
        "the rest goes under the new id"
    );
    assert_eq!(rest[0].device_seq, 1, "numbered from 1 for the new device");

    // The original, opened where it was, is still itself.
    let back = Store::open(&fx.path).unwrap();
    assert_eq!(back.device_id(), original);
}

fn s_reason(fx: &Fixture, company: &str, name: &str) -> String {
    fx.store
        .list_adjustment_reasons(company)
        .unwrap()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap()
        .id
}
