-- Issue #16: the daily sales rollup is kept once, in `sales_daily_keyed` (0005: one integer
-- key, product seq * 2^36 + warehouse seq * 2^16 + day number), instead of twice: the text
-- keyed `sales_daily` it mirrored was 49 bytes per imported sale at M. `sales_daily` becomes a
-- view of it with the old columns, for reading; writes go to the keyed table (`sales::roll_up`),
-- and queries by product and warehouse read one range of its key.

DROP TRIGGER sales_daily_on_insert;
DROP TRIGGER sales_daily_on_update;
DROP TABLE sales_daily;

CREATE VIEW sales_daily AS
SELECT p.id AS product_id, w.id AS warehouse_id,
       date((k.key % 65536) * 86400, 'unixepoch') AS day, k.units
FROM sales_daily_keyed k
JOIN products p ON p.seq = k.key / 68719476736
JOIN warehouses w ON w.seq = (k.key / 65536) % 1048576;

-- The last day a stock row sold (0005), kept by the rollup's own triggers now.
CREATE TRIGGER sales_daily_keyed_on_insert AFTER INSERT ON sales_daily_keyed
WHEN NEW.units > 0 BEGIN
    UPDATE stock_levels SET last_sale_day = date((NEW.key % 65536) * 86400, 'unixepoch')
    WHERE product_id = (SELECT id FROM products WHERE seq = NEW.key / 68719476736)
      AND warehouse_id = (SELECT id FROM warehouses WHERE seq = (NEW.key / 65536) % 1048576)
      AND (last_sale_day IS NULL OR last_sale_day < date((NEW.key % 65536) * 86400, 'unixepoch'));
END;
CREATE TRIGGER sales_daily_keyed_on_update AFTER UPDATE OF units ON sales_daily_keyed
WHEN NEW.units > 0 BEGIN
    UPDATE stock_levels SET last_sale_day = date((NEW.key % 65536) * 86400, 'unixepoch')
    WHERE product_id = (SELECT id FROM products WHERE seq = NEW.key / 68719476736)
      AND warehouse_id = (SELECT id FROM warehouses WHERE seq = (NEW.key / 65536) % 1048576)
      AND (last_sale_day IS NULL OR last_sale_day < date((NEW.key % 65536) * 86400, 'unixepoch'));
END;

-- A new stock row finds its last sale day in its own range of the key.
DROP TRIGGER stock_levels_on_insert;
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
        last_sale_day = (
            SELECT date((MAX(k.key) % 65536) * 86400, 'unixepoch')
            FROM sales_daily_keyed k, products p, warehouses w
            WHERE p.id = NEW.product_id AND w.id = NEW.warehouse_id
              AND k.key >= p.seq * 68719476736 + w.seq * 65536
              AND k.key < p.seq * 68719476736 + w.seq * 65536 + 65536
              AND k.units > 0)
    WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id;
END;
