//! The product list: search, filters, sort and paging, fast at 100,000 products.
//!
//! A search matches a SKU or barcode prefix (index range scans) or product names having a word
//! that starts with each word typed (the FTS5 index `products_fts`). The matching rows are
//! gathered first as a small set of rowids, so the filters, the count and the page only touch
//! those.

use rusqlite::types::Value;

use crate::auth::Action;
use crate::db::Store;
use crate::error::Result;
use crate::lookup::get_company;
use crate::model::{ArchivedFilter, ProductListItem, ProductPage, ProductQuery, ProductSort};
use crate::sql::{decimal_column, optional_decimal_column, DEFAULT_PAGE, MAX_PAGE};

/// Above this many matches, the first page is found faster by walking the sort index.
const BROAD_SEARCH: i64 = 2_000;

impl Store {
    pub fn list_products(&self, query: &ProductQuery) -> Result<ProductPage> {
        self.authorize(&query.company_id, Action::Read)?;
        get_company(&self.conn, &query.company_id)?;
        let mut params: Vec<Value> = vec![Value::Text(query.company_id.clone())];
        let mut bind = |v: Value| {
            params.push(v);
            format!("?{}", params.len())
        };

        // The filters every plan shares.
        let mut filters = String::from(" WHERE p.company_id = ?1");
        match query.archived {
            ArchivedFilter::Active => filters.push_str(" AND p.archived = 0"),
            ArchivedFilter::Archived => filters.push_str(" AND p.archived = 1"),
            ArchivedFilter::All => {}
        }
        if let Some(type_id) = query.product_type_id.as_deref().filter(|t| !t.is_empty()) {
            let t = bind(Value::Text(type_id.to_owned()));
            filters.push_str(&format!(" AND p.product_type_id = {t}"));
        }

        let search = query.search.as_deref().map(str::trim).unwrap_or("");
        let hits = (!search.is_empty()).then(|| {
            let lo = bind(Value::Text(search.to_owned()));
            let hi = bind(Value::Text(format!("{search}{}", char::MAX)));
            let mut hits = format!(
                "WITH hits(seq) AS (
                     SELECT seq FROM products WHERE company_id = ?1 AND sku >= {lo} AND sku < {hi}
                     UNION SELECT seq FROM products WHERE company_id = ?1 AND barcode >= {lo} AND barcode < {hi}"
            );
            if let Some(fts) = fts_prefix_query(search) {
                let fts = bind(Value::Text(fts));
                hits.push_str(&format!(
                    " UNION SELECT rowid FROM products_fts WHERE products_fts MATCH {fts}"
                ));
            }
            hits.push_str(") ");
            hits
        });
        let joins = "LEFT JOIN product_types t ON t.id = p.product_type_id";
        // Two plans for a search. Read the hits and look each product up (CROSS JOIN fixes that
        // order in SQLite): best when the hits are few. Or walk the sort index and keep rows
        // that are hits: best for the first page of a search matching most of the catalog.
        let by_hits = |columns: &str, joins: &str| {
            match &hits {
            Some(with) => format!(
                "{with}SELECT {columns} FROM hits CROSS JOIN products p ON p.seq = hits.seq {joins}{filters}"
            ),
            None => format!("SELECT {columns} FROM products p {joins}{filters}"),
        }
        };
        let by_index = |columns: &str, joins: &str| {
            match &hits {
            Some(with) => format!(
                "{with}SELECT {columns} FROM products p {joins}{filters} AND p.seq IN (SELECT seq FROM hits)"
            ),
            None => format!("SELECT {columns} FROM products p {joins}{filters}"),
        }
        };

        // No join for the count: SQLite does not always drop an unused LEFT JOIN, and the
        // count is then read from the index alone.
        let total: i64 = self
            .conn
            .prepare_cached(&by_hits("COUNT(*)", ""))?
            .query_row(rusqlite::params_from_iter(&params), |r| r.get(0))?;

        let dir = if query.descending { "DESC" } else { "ASC" };
        let order = match query.sort {
            ProductSort::Name => format!("p.name COLLATE NOCASE {dir}, p.sku {dir}"),
            ProductSort::Sku => format!("p.sku {dir}"),
            // Exact: a float would tie or swap prices that differ past its 16th digit.
            ProductSort::Price => format!("sf_decimal_key(p.price) {dir}, p.sku {dir}"),
            ProductSort::OnHand => format!("on_hand {dir}, p.sku {dir}"),
            ProductSort::Updated => format!("p.updated_at {dir}, p.sku {dir}"),
        };
        let limit = match query.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let columns = "p.id, p.sku, p.name, p.barcode, p.price, p.product_type_id, t.name, p.archived,
             (SELECT COALESCE(SUM(s.on_hand), 0) FROM stock_levels s WHERE s.product_id = p.id) AS on_hand,
             EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id), p.cost";
        let indexed_sort = matches!(query.sort, ProductSort::Name | ProductSort::Sku);
        let source = if indexed_sort && total > BROAD_SEARCH {
            by_index(columns, joins)
        } else {
            by_hits(columns, joins)
        };
        let sql = format!(
            "{source} ORDER BY {order} LIMIT {limit} OFFSET {}",
            query.offset
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let items = stmt
            .query_map(rusqlite::params_from_iter(&params), |r| {
                let price = decimal_column(r, 4)?;
                let cost = optional_decimal_column(r, 10)?;
                let margin = cost.map(|c| crate::money::margin(price, c));
                Ok(ProductListItem {
                    id: r.get(0)?,
                    sku: r.get(1)?,
                    name: r.get(2)?,
                    barcode: r.get(3)?,
                    price,
                    product_type_id: r.get(5)?,
                    product_type_name: r.get(6)?,
                    archived: r.get(7)?,
                    on_hand: r.get(8)?,
                    is_kit: r.get(9)?,
                    cost,
                    margin: margin.map(|m| m.0),
                    margin_percent: margin.and_then(|m| m.1),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ProductPage { items, total })
    }
}

/// The FTS5 query for "every word typed is the start of a word of the name": `"blu"* "mug"*`.
/// Words are quoted, so nothing typed is read as FTS syntax. `None` when nothing is searchable.
fn fts_prefix_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::fts_prefix_query;

    #[test]
    fn typed_text_becomes_quoted_prefix_words() {
        assert_eq!(
            fts_prefix_query("blue mug").as_deref(),
            Some("\"blue\"* \"mug\"*")
        );
        assert_eq!(
            fts_prefix_query("a\"b OR c*").as_deref(),
            Some("\"a\"* \"b\"* \"OR\"* \"c\"*")
        );
        assert_eq!(fts_prefix_query(" -- ").as_deref(), None);
    }
}
