-- Sync (DESIGN §4): the outbox as the change log of this device, the clocks that merge catalog
-- rows field by field, what this device has seen of the others, and the schema changes the
-- merge rules need. `sf_pair_id` is a function the core registers on the connection: a
-- name-based UUID of the row's natural key (two devices linking the same supplier to the same
-- product offline make the same row, not two).

-- Rows that had composite `a:b` ids get UUIDs.
ALTER TABLE product_suppliers ADD COLUMN id TEXT;
UPDATE product_suppliers SET id = sf_pair_id('product_supplier', product_id, supplier_id);
CREATE UNIQUE INDEX product_suppliers_id ON product_suppliers (id);

ALTER TABLE memberships ADD COLUMN id TEXT;
UPDATE memberships SET id = sf_pair_id('membership', user_id, company_id);
CREATE UNIQUE INDEX memberships_id ON memberships (id);

ALTER TABLE count_lines ADD COLUMN id TEXT;
UPDATE count_lines SET id = sf_pair_id('count_line', session_id, product_id);
CREATE UNIQUE INDEX count_lines_id ON count_lines (id);

-- The preferred supplier is a field of the product: two devices choosing different ones
-- offline cannot leave two preferred. The links' `preferred` flag (which the alert triggers
-- read) follows it.
ALTER TABLE products ADD COLUMN preferred_supplier_id TEXT REFERENCES suppliers (id);
UPDATE products SET preferred_supplier_id =
    (SELECT l.supplier_id FROM product_suppliers l WHERE l.product_id = products.id AND l.preferred = 1);
CREATE TRIGGER product_suppliers_preferred_on_product AFTER UPDATE OF preferred_supplier_id ON products
WHEN OLD.preferred_supplier_id IS NOT NEW.preferred_supplier_id BEGIN
    UPDATE product_suppliers SET preferred = 0 WHERE product_id = NEW.id AND preferred = 1;
    UPDATE product_suppliers SET preferred = 1
    WHERE product_id = NEW.id AND supplier_id = NEW.preferred_supplier_id;
END;
CREATE TRIGGER product_suppliers_preferred_on_link AFTER INSERT ON product_suppliers BEGIN
    UPDATE product_suppliers SET preferred =
        (NEW.supplier_id IS (SELECT preferred_supplier_id FROM products WHERE id = NEW.product_id))
    WHERE product_id = NEW.product_id AND supplier_id = NEW.supplier_id;
END;

-- The same SKU (or barcode) created on two devices offline: both products are kept; the later
-- one shows a suffixed SKU (no barcode) and remembers the one it asked for here, so that every
-- device derives the same result from the same products, in any order.
ALTER TABLE products ADD COLUMN requested_sku TEXT COLLATE NOCASE;
ALTER TABLE products ADD COLUMN requested_barcode TEXT;
CREATE INDEX products_requested_sku ON products (company_id, requested_sku) WHERE requested_sku IS NOT NULL;
CREATE INDEX products_requested_barcode ON products (company_id, requested_barcode) WHERE requested_barcode IS NOT NULL;

-- When each field of a catalog row was last set (last writer wins per field, by HLC, whose
-- text ends with the device id). A field without a row here was set when the row was made:
-- '*' holds that time for rows whose id is derived (two devices may make the same row).
CREATE TABLE field_clocks (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    hlc       TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
) STRICT, WITHOUT ROWID;

-- The outbox: one entry per change, pointing at the row it changed. The payload is read from
-- the row when the entry is first sent, and frozen with its change id and device sequence, so
-- a retry sends exactly the same change. Acknowledged entries are removed.
DROP TABLE outbox;
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY,
    company_id TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    hlc        TEXT NOT NULL,
    -- The fields this change set, comma-separated; NULL: the whole row (it was made).
    fields     TEXT,
    user_id    TEXT,
    change_id  TEXT,
    device_id  TEXT,
    device_seq INTEGER,
    payload    TEXT
) STRICT;
-- Only sent entries have a change id: new ones cost no index entry.
CREATE UNIQUE INDEX outbox_change_id ON outbox (change_id) WHERE change_id IS NOT NULL;

-- Every row of a database that never synced is a change still to send, in an order where a
-- row comes after what it refers to.
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT id, 'company', id, updated_hlc FROM companies ORDER BY updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT m.company_id, 'user', u.id, u.updated_hlc FROM users u JOIN memberships m ON m.user_id = u.id
ORDER BY u.updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'membership', id, updated_hlc FROM memberships ORDER BY updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'warehouse', id, updated_hlc FROM warehouses ORDER BY updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'product_type', id, updated_hlc FROM product_types ORDER BY updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'adjustment_reason', id, updated_hlc FROM adjustment_reasons ORDER BY updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'supplier', id, updated_hlc FROM suppliers ORDER BY updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'product', id, updated_hlc FROM products ORDER BY seq;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT p.company_id, 'product_supplier', l.id, l.updated_hlc
FROM product_suppliers l JOIN products p ON p.id = l.product_id ORDER BY l.updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'purchase_order', id, updated_hlc FROM purchase_orders ORDER BY seq;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT o.company_id, 'purchase_order_line', l.id, o.updated_hlc
FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.purchase_order_id ORDER BY o.seq, l.line_no;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'count_session', id, updated_hlc FROM count_sessions ORDER BY updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT s.company_id, 'count_line', l.id, l.updated_hlc
FROM count_lines l JOIN count_sessions s ON s.id = l.session_id ORDER BY l.updated_hlc;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'sale', id, hlc FROM sales ORDER BY seq;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT s.company_id, 'sale_line', l.id, s.hlc
FROM sale_lines l JOIN sales s ON s.id = l.sale_id ORDER BY s.seq, l.line_no;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT company_id, 'stock_movement', id, hlc FROM stock_movements ORDER BY seq;
INSERT INTO outbox (company_id, entity, entity_id, hlc)
SELECT s.company_id, 'sale_return', r.id, r.hlc
FROM sale_returns r JOIN sales s ON s.id = r.sale_id ORDER BY r.hlc;

-- The last device sequence this device gave a change, per company.
CREATE TABLE sync_device_seq (
    company_id TEXT PRIMARY KEY,
    last_seq   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The last change applied from each other device, per company: a change at or below it is a
-- re-delivery and is skipped.
CREATE TABLE sync_peers (
    company_id TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (company_id, device_id)
) STRICT, WITHOUT ROWID;

-- Where this device is in each company's server log.
CREATE TABLE sync_cursors (
    company_id     TEXT PRIMARY KEY,
    epoch          TEXT,
    after_seq      INTEGER NOT NULL DEFAULT 0,
    last_synced_at TEXT
) STRICT, WITHOUT ROWID;

-- Changes pulled but not applied yet: a kind or version this build does not know (applied
-- after an upgrade, never dropped), or a row whose parent has not arrived.
CREATE TABLE sync_parked (
    seq        INTEGER PRIMARY KEY,
    company_id TEXT NOT NULL,
    change     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    parked_at  TEXT NOT NULL
) STRICT;

-- Which machine and file this database was last opened as: a copy opened elsewhere becomes a
-- new device before it sends anything.
ALTER TABLE device ADD COLUMN fingerprint TEXT;
