-- Low-stock alerts at scale, and the alerts the user has already been told about.

-- Each stock row keeps its effective threshold (DESIGN §3 precedence: warehouse threshold,
-- product threshold, product-type default, company default), maintained by the triggers below
-- whenever one of its inputs changes. The alert query then starts from the rows already below
-- their threshold, read straight from a partial covering index, instead of joining every stock
-- row of the company to four tables.
ALTER TABLE stock_levels ADD COLUMN threshold INTEGER NOT NULL DEFAULT 0;

UPDATE stock_levels SET threshold = (
    SELECT COALESCE(x.threshold, p.threshold, t.default_threshold, c.default_threshold)
    FROM products p
    JOIN companies c ON c.id = p.company_id
    LEFT JOIN product_types t ON t.id = p.product_type_id
    LEFT JOIN product_warehouse_thresholds x
           ON x.product_id = p.id AND x.warehouse_id = stock_levels.warehouse_id
    WHERE p.id = stock_levels.product_id);

CREATE INDEX stock_levels_below ON stock_levels (warehouse_id, product_id, on_hand, threshold)
    WHERE on_hand < threshold;

CREATE TRIGGER stock_levels_threshold_on_insert AFTER INSERT ON stock_levels BEGIN
    UPDATE stock_levels SET threshold = (
        SELECT COALESCE(x.threshold, p.threshold, t.default_threshold, c.default_threshold)
        FROM products p
        JOIN companies c ON c.id = p.company_id
        LEFT JOIN product_types t ON t.id = p.product_type_id
        LEFT JOIN product_warehouse_thresholds x
               ON x.product_id = p.id AND x.warehouse_id = NEW.warehouse_id
        WHERE p.id = NEW.product_id)
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

-- Alerts the user has been notified of: a desktop notification goes out when a product first
-- alerts in a warehouse, not on every refresh. A row is removed when the alert clears, so an
-- alert that comes back is new again.
CREATE TABLE alert_notices (
    product_id    TEXT NOT NULL REFERENCES products (id),
    warehouse_id  TEXT NOT NULL REFERENCES warehouses (id),
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (product_id, warehouse_id)
) STRICT, WITHOUT ROWID;
