//! `alerts --json`, written by hand: at M a page is 7,826 alerts, 5 MB of JSON, and
//! serde_json's pretty printer spent 5 ms on it, a sixth of the whole command (issue #16).
//! The bytes are serde_json's pretty layout of [`AlertPage`] exactly: the test below
//! compares the two, so a field added to the model and not here fails it.

use std::io::{self, Write};

use stockflow_core::{Alert, AlertPage, AlertSupplier};

/// The buffer goes to the output once it holds this much.
const CHUNK: usize = 1 << 16;

/// The page as pretty JSON and a line break, into `sink` in chunks of about 64 KiB.
pub(crate) fn write_page(page: &AlertPage, sink: &mut dyn Write) -> io::Result<()> {
    let mut json = Json {
        buf: Vec::with_capacity(CHUNK + 4096),
    };
    json.raw(b"{\n  \"alerts\": [");
    for (i, alert) in page.alerts.iter().enumerate() {
        json.raw(if i == 0 { b"\n    {" } else { b",\n    {" });
        json.alert(alert);
        json.raw(b"\n    }");
        if json.buf.len() >= CHUNK {
            sink.write_all(&json.buf)?;
            json.buf.clear();
        }
    }
    if !page.alerts.is_empty() {
        json.raw(b"\n  ");
    }
    json.raw(b"],\n  \"total_alerts\": ");
    json.int(page.total_alerts);
    json.raw(b"\n}\n");
    sink.write_all(&json.buf)
}

struct Json {
    buf: Vec<u8>,
}

/// The start of an alert's field, after the first: a comma, a line break, the indentation.
const FIELD: &[u8] = b",\n      \"";
/// The same for a field of the alert's supplier.
const SUPPLIER_FIELD: &[u8] = b",\n        \"";

impl Json {
    fn alert(&mut self, a: &Alert) {
        self.raw(b"\n      \"product_id\": ");
        self.str(&a.product_id);
        self.field(FIELD, "product_name");
        self.str(&a.product_name);
        self.field(FIELD, "sku");
        self.str(&a.sku);
        self.field(FIELD, "warehouse_id");
        self.str(&a.warehouse_id);
        self.field(FIELD, "warehouse_name");
        self.str(&a.warehouse_name);
        self.field(FIELD, "current_stock");
        self.int(a.current_stock);
        self.field(FIELD, "threshold");
        self.int(a.threshold);
        self.field(FIELD, "recent_sales");
        self.int(a.recent_sales);
        self.field(FIELD, "days_until_stockout");
        self.int(a.days_until_stockout);
        self.field(FIELD, "supplier");
        match &a.supplier {
            Some(s) => self.supplier(s),
            None => self.raw(b"null"),
        }
        self.field(FIELD, "on_order");
        self.int(a.on_order);
        self.field(FIELD, "reorder_point");
        self.int(a.reorder_point);
        self.field(FIELD, "suggested_order_qty");
        self.int(a.suggested_order_qty);
        self.field(FIELD, "reorder_by");
        self.str(&a.reorder_by);
    }

    fn supplier(&mut self, s: &AlertSupplier) {
        self.raw(b"{\n        \"id\": ");
        self.str(&s.id);
        self.field(SUPPLIER_FIELD, "name");
        self.str(&s.name);
        self.field(SUPPLIER_FIELD, "contact_email");
        self.str(&s.contact_email);
        self.field(SUPPLIER_FIELD, "lead_time_days");
        self.int(s.lead_time_days);
        self.raw(b"\n      }");
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// `start`, then the key (plain ASCII: the model's field names) and its colon.
    fn field(&mut self, start: &[u8], key: &str) {
        self.raw(start);
        self.raw(key.as_bytes());
        self.raw(b"\": ");
    }

    /// A string: as it is when nothing in it needs escaping (SKUs, names, ids, dates), else
    /// escaped by serde_json itself.
    fn str(&mut self, s: &str) {
        // Every byte looked at, without stopping early: the compiler checks 32 at a time.
        let plain = s.bytes().fold(true, |plain, b| {
            plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
        });
        if plain {
            self.buf.reserve(s.len() + 2);
            self.buf.push(b'"');
            self.raw(s.as_bytes());
            self.buf.push(b'"');
        } else {
            serde_json::to_writer(&mut self.buf, s).expect("a string written into memory");
        }
    }

    fn int(&mut self, n: i64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = n.unsigned_abs();
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            self.buf.push(b'-');
        }
        self.raw(&digits[at..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(i: i64, text: &str, supplier: bool) -> Alert {
        Alert {
            product_id: format!("01a23cab-de22-7010-ad1f-{i:012}"),
            product_name: format!("{text} {i}"),
            sku: format!("SKU-{i:07}"),
            warehouse_id: "01a23cab-de1f-76c8-99d2-c6123f766160".into(),
            warehouse_name: text.into(),
            current_stock: -i,
            threshold: i * 1_000_000_007,
            recent_sales: i64::MAX - i,
            days_until_stockout: i64::MIN + i,
            supplier: supplier.then(|| AlertSupplier {
                id: format!("sup-{i}"),
                name: format!("{text}/supplier"),
                contact_email: String::new(),
                lead_time_days: i % 3 - 1,
            }),
            on_order: 0,
            reorder_point: 10 * i,
            suggested_order_qty: 7,
            reorder_by: "2025-01-01".into(),
        }
    }

    fn written(page: &AlertPage) -> String {
        let mut out = Vec::new();
        write_page(page, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_alerts_are_serde_jsons_pretty_layout_to_the_byte() {
        let texts = [
            "Plain",
            "",
            "quote \" and \\ backslash",
            "line\nbreak\ttab\r\u{1}\u{1f}\u{7f}",
            "caf\u{e9} \u{2603} \u{1f600} </script>",
        ];
        for n in [0, 1, 2, 5, 3_000] {
            let alerts: Vec<Alert> = (0..n)
                .map(|i| alert(i as i64, texts[i % texts.len()], i % 4 != 1))
                .collect();
            let page = AlertPage {
                total_alerts: n as i64 * 3 - 1,
                alerts,
            };
            let expected = serde_json::to_string_pretty(&page).unwrap() + "\n";
            assert_eq!(written(&page), expected, "{n} alerts");
        }
    }

    #[test]
    fn a_long_page_reaches_the_output_in_chunks() {
        struct Writes(Vec<usize>);
        impl Write for Writes {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.push(buf.len());
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let page = AlertPage {
            alerts: (0..2_000).map(|i| alert(i, "Shelf", true)).collect(),
            total_alerts: 2_000,
        };
        let mut writes = Writes(Vec::new());
        write_page(&page, &mut writes).unwrap();
        assert!(writes.0.len() > 10, "{:?}", writes.0);
        assert!(writes.0.iter().all(|&n| n < CHUNK + 4096), "{:?}", writes.0);
        assert_eq!(writes.0.iter().sum::<usize>(), written(&page).len());
    }
}
