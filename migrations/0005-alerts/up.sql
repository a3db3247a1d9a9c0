-- Low-stock alerts at scale, and the alerts the user has already been told about.

-- Low-stock alerts read, per (product, warehouse) row below its threshold, the units sold in a
-- window. At 100,000 products that is tens of thousands of rows per query, so everything the
-- query needs per row is kept ready, by triggers, where one integer seek finds it.

-- A small local number per warehouse (never synced), part of the rollup's integer key below.
ALTER TABLE warehouses ADD COLUMN seq INTEGER;
UPDATE warehouses SET seq = rowid;
CREATE UNIQUE INDEX warehouses_seq ON warehouses (seq);
CREATE TRIGGER warehouses_seq_on_insert AFTER INSERT ON warehouses BEGIN
    UPDATE warehouses SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM warehouses) WHERE id = NEW.id;
END;

-- Each stock row keeps its effective threshold (DESIGN §3 precedence: warehouse threshold,
-- product threshold, product-type default, company default), its product's seq, and the last
-- UTC day the product sold there. The alert query starts from the rows below their threshold
-- that sold since the window began, straight from a partial covering index.
ALTER TABLE stock_levels ADD COLUMN threshold INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_levels ADD COLUMN product_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_levels ADD COLUMN last_sale_day TEXT;

UPDATE stock_levels SET
    threshold = (
        SELECT COALESCE(x.threshold, p.threshold, t.default_threshold, c.default_threshold)
        FROM products p
        JOIN companies c ON c.id = p.company_id
        LEFT JOIN product_types t ON t.id = p.product_type_id
        LEFT JOIN product_warehouse_thresholds x
               ON x.product_id = p.id AND x.warehouse_id = stock_levels.warehouse_id
        WHERE p.id = stock_levels.product_id),
    product_seq = (SELECT seq FROM products WHERE id = stock_levels.product_id),
    last_sale_day = (SELECT MAX(day) FROM sales_daily d
                     WHERE d.product_id = stock_levels.product_id
                       AND d.warehouse_id = stock_levels.warehouse_id AND d.units > 0);

CREATE INDEX stock_levels_below
    ON stock_levels (warehouse_id, last_sale_day, product_seq, on_hand, threshold, product_id)
    WHERE on_hand < threshold;

CREATE TRIGGER stock_levels_on_insert AFTER INSERT ON stock_levels BEGIN
    UPDATE stock_levels SET
        threshold = (
            SELECT COALESCE(x.threshold, p.threshold, t.default_threshold, c.default_threshold)
            FROM products p
            JOIN companies c ON c.id = p.company_id
            LEFT JOIN product_types t ON t.id = p.product_type_id
            LEFT JOIN product_warehouse_thresholds x
                   ON x.product_id = p.id AND x.warehouse_id = NEW.warehouse_id
            WHERE p.id = NEW.product_id),
        product_seq = (SELECT seq FROM products WHERE id = NEW.product_id),
        last_sale_day = (SELECT MAX(day) FROM sales_daily d
                         WHERE d.product_id = NEW.product_id
                           AND d.warehouse_id = NEW.warehouse_id AND d.units > 0)
    WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id;
END;

-- One product in one warehouse: its warehouse threshold was set, changed or removed.
CREATE TRIGGER stock_levels_threshold_on_pwt_insert AFTER INSERT ON product_warehouse_thresholds BEGIN
    UPDATE stock_levels SET threshold = NEW.threshold
    WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id;
END;
CREATE TRIGGER stock_levels_threshold_on_pwt_update AFTER UPDATE OF threshold ON product_warehouse_thresholds BEGIN
    UPDATE stock_levels SET threshold = NEW.threshold
    WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id;
END;
CREATE TRIGGER stock_levels_threshold_on_pwt_delete AFTER DELETE ON product_warehouse_thresholds BEGIN
    UPDATE stock_levels SET threshold = (
        SELECT COALESCE(p.threshold, t.default_threshold, c.default_threshold)
        FROM products p
        JOIN companies c ON c.id = p.company_id
        LEFT JOIN product_types t ON t.id = p.product_type_id
        WHERE p.id = OLD.product_id)
    WHERE product_id = OLD.product_id AND warehouse_id = OLD.warehouse_id;
END;

-- A product's own threshold or its type changed: its rows without a warehouse threshold.
CREATE TRIGGER stock_levels_threshold_on_product AFTER UPDATE OF threshold, product_type_id ON products
WHEN OLD.threshold IS NOT NEW.threshold OR OLD.product_type_id IS NOT NEW.product_type_id BEGIN
    UPDATE stock_levels SET threshold = (
        SELECT COALESCE(NEW.threshold, t.default_threshold, c.default_threshold)
        FROM companies c
        LEFT JOIN product_types t ON t.id = NEW.product_type_id
        WHERE c.id = NEW.company_id)
    WHERE product_id = NEW.id
      AND NOT EXISTS (SELECT 1 FROM product_warehouse_thresholds x
                      WHERE x.product_id = NEW.id AND x.warehouse_id = stock_levels.warehouse_id);
END;

-- A type's default changed: rows of its products that have no threshold of their own.
CREATE TRIGGER stock_levels_threshold_on_type AFTER UPDATE OF default_threshold ON product_types
WHEN OLD.default_threshold IS NOT NEW.default_threshold BEGIN
    UPDATE stock_levels SET threshold = NEW.default_threshold
    WHERE product_id IN (SELECT p.id FROM products p
                         WHERE p.product_type_id = NEW.id AND p.threshold IS NULL)
      AND NOT EXISTS (SELECT 1 FROM product_warehouse_thresholds x
                      WHERE x.product_id = stock_levels.product_id
                        AND x.warehouse_id = stock_levels.warehouse_id);
END;

-- The company default changed: rows with no other threshold.
CREATE TRIGGER stock_levels_threshold_on_company AFTER UPDATE OF default_threshold ON companies
WHEN OLD.default_threshold IS NOT NEW.default_threshold BEGIN
    UPDATE stock_levels SET threshold = NEW.default_threshold
    WHERE product_id IN (SELECT p.id FROM products p
                         LEFT JOIN product_types t ON t.id = p.product_type_id
                         WHERE p.company_id = NEW.id AND p.threshold IS NULL
                           AND t.default_threshold IS NULL)
      AND NOT EXISTS (SELECT 1 FROM product_warehouse_thresholds x
                      WHERE x.product_id = stock_levels.product_id
                        AND x.warehouse_id = stock_levels.warehouse_id);
END;

-- The daily sales rollup again, keyed by one integer: product seq * 2^36 + warehouse seq * 2^16
-- + days since 1970-01-01. A window's units for one row are one range of a rowid table.
CREATE TABLE sales_daily_keyed (
    key   INTEGER PRIMARY KEY,
    units INTEGER NOT NULL
) STRICT;
INSERT INTO sales_daily_keyed (key, units)
SELECT p.seq * 68719476736 + w.seq * 65536 + CAST(julianday(d.day) - 2440587.5 AS INTEGER), d.units
FROM sales_daily d
JOIN products p ON p.id = d.product_id
JOIN warehouses w ON w.id = d.warehouse_id;

CREATE TRIGGER sales_daily_on_insert AFTER INSERT ON sales_daily BEGIN
    INSERT INTO sales_daily_keyed (key, units)
    SELECT p.seq * 68719476736 + w.seq * 65536 + CAST(julianday(NEW.day) - 2440587.5 AS INTEGER), NEW.units
    FROM products p, warehouses w
    WHERE p.id = NEW.product_id AND w.id = NEW.warehouse_id;
    UPDATE stock_levels SET last_sale_day = NEW.day
    WHERE NEW.units > 0 AND product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id
      AND (last_sale_day IS NULL OR last_sale_day < NEW.day);
END;
CREATE TRIGGER sales_daily_on_update AFTER UPDATE OF units ON sales_daily BEGIN
    UPDATE sales_daily_keyed SET units = NEW.units
    WHERE key = (SELECT p.seq * 68719476736 + w.seq * 65536 + CAST(julianday(NEW.day) - 2440587.5 AS INTEGER)
                 FROM products p, warehouses w
                 WHERE p.id = NEW.product_id AND w.id = NEW.warehouse_id);
    UPDATE stock_levels SET last_sale_day = NEW.day
    WHERE NEW.units > 0 AND product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id
      AND (last_sale_day IS NULL OR last_sale_day < NEW.day);
END;

-- The supplier an alert (and a reorder) goes to, per product, with DESIGN §3's order: the
-- preferred one, else the shortest lead time, then the lowest unit cost, then the name.
CREATE TABLE product_supplier_choice (
    product_seq    INTEGER PRIMARY KEY,
    supplier_id    TEXT NOT NULL,
    lead_time_days INTEGER NOT NULL,
    moq            INTEGER NOT NULL,
    pack_multiple  INTEGER NOT NULL
) STRICT;
CREATE VIEW product_supplier_ranked AS
SELECT p.seq AS product_seq, l.product_id, l.supplier_id, l.lead_time_days, l.moq, l.pack_multiple,
       row_number() OVER (PARTITION BY l.product_id
                          ORDER BY l.preferred DESC, l.lead_time_days, CAST(l.unit_cost AS REAL),
                                   s.name, s.id) AS rank
FROM product_suppliers l
JOIN suppliers s ON s.id = l.supplier_id
JOIN products p ON p.id = l.product_id;
INSERT INTO product_supplier_choice
SELECT product_seq, supplier_id, lead_time_days, moq, pack_multiple
FROM product_supplier_ranked WHERE rank = 1;

CREATE TRIGGER product_supplier_choice_on_insert AFTER INSERT ON product_suppliers BEGIN
    DELETE FROM product_supplier_choice
    WHERE product_seq = (SELECT seq FROM products WHERE id = NEW.product_id);
    INSERT INTO product_supplier_choice
    SELECT product_seq, supplier_id, lead_time_days, moq, pack_multiple
    FROM product_supplier_ranked WHERE product_id = NEW.product_id AND rank = 1;
END;
CREATE TRIGGER product_supplier_choice_on_update AFTER UPDATE ON product_suppliers BEGIN
    DELETE FROM product_supplier_choice
    WHERE product_seq IN (SELECT seq FROM products WHERE id IN (OLD.product_id, NEW.product_id));
    INSERT INTO product_supplier_choice
    SELECT product_seq, supplier_id, lead_time_days, moq, pack_multiple
    FROM product_supplier_ranked WHERE product_id IN (OLD.product_id, NEW.product_id) AND rank = 1;
END;
CREATE TRIGGER product_supplier_choice_on_delete AFTER DELETE ON product_suppliers BEGIN
    DELETE FROM product_supplier_choice
    WHERE product_seq = (SELECT seq FROM products WHERE id = OLD.product_id);
    INSERT INTO product_supplier_choice
    SELECT product_seq, supplier_id, lead_time_days, moq, pack_multiple
    FROM product_supplier_ranked WHERE product_id = OLD.product_id AND rank = 1;
END;
CREATE TRIGGER product_supplier_choice_on_supplier AFTER UPDATE OF name ON suppliers
WHEN OLD.name IS NOT NEW.name BEGIN
    DELETE FROM product_supplier_choice
    WHERE product_seq IN (SELECT p.seq FROM product_suppliers l JOIN products p ON p.id = l.product_id
                          WHERE l.supplier_id = NEW.id);
    INSERT INTO product_supplier_choice
    SELECT product_seq, supplier_id, lead_time_days, moq, pack_multiple
    FROM product_supplier_ranked
    WHERE product_id IN (SELECT product_id FROM product_suppliers WHERE supplier_id = NEW.id)
      AND rank = 1;
END;

-- Units on open orders, per company, without reading closed orders.
CREATE INDEX purchase_orders_open ON purchase_orders (company_id, warehouse_id)
    WHERE status IN ('sent', 'partially_received');

-- Alerts the user has been notified of: a desktop notification goes out when a product first
-- alerts in a warehouse, not on every refresh. A row is removed when the alert clears, so an
-- alert that comes back is new again.
CREATE TABLE alert_notices (
    product_id    TEXT NOT NULL REFERENCES products (id),
    warehouse_id  TEXT NOT NULL REFERENCES warehouses (id),
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (product_id, warehouse_id)
) STRICT, WITHOUT ROWID;
