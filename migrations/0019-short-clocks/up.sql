-- Issue #16: a sale's and a movement's HLC end with the id of the device that stamped them
-- (hlc.rs: `wall-counter-device`, 53 characters), and the row already names that device by its
-- key. Such a row now keeps the clock's two numbers as one integer, `hlc_clock` (wall ms *
-- 1,000,000 + counter), and an empty `hlc`; the views rebuild the same text from the two, so
-- every reader, comparison and sync payload sees exactly what it saw before. A value that the
-- integer would not give back to the character (another device's id, a counter of seven
-- digits, a wall time past 9,223,372,036,853 ms, the year 2262, where the integer would not fit
-- 64 bits, anything unusual) stays as it was, in `hlc`, with `hlc_clock` NULL.

ALTER TABLE sale_rows ADD COLUMN hlc_clock INTEGER;
ALTER TABLE movement_rows ADD COLUMN hlc_clock INTEGER;

-- The rows already here: rewritten once, in place (the ledger's only update, like 0016's copy).
DROP TRIGGER movement_rows_append_only_update;
UPDATE sale_rows SET
    hlc_clock = CAST(substr(hlc, 1, 13) AS INTEGER) * 1000000 + CAST(substr(hlc, 15, 6) AS INTEGER),
    hlc = ''
WHERE hlc = printf('%013d-%06d-', CAST(substr(hlc, 1, 13) AS INTEGER),
                   CAST(substr(hlc, 15, 6) AS INTEGER))
            || (SELECT d.id FROM device_keys d WHERE d.key = device_key)
  AND CAST(substr(hlc, 1, 13) AS INTEGER) <= 9223372036853;
UPDATE movement_rows SET
    hlc_clock = CAST(substr(hlc, 1, 13) AS INTEGER) * 1000000 + CAST(substr(hlc, 15, 6) AS INTEGER),
    hlc = ''
WHERE hlc = printf('%013d-%06d-', CAST(substr(hlc, 1, 13) AS INTEGER),
                   CAST(substr(hlc, 15, 6) AS INTEGER))
            || (SELECT d.id FROM device_keys d WHERE d.key = device_key)
  AND CAST(substr(hlc, 1, 13) AS INTEGER) <= 9223372036853;
CREATE TRIGGER movement_rows_append_only_update BEFORE UPDATE ON movement_rows BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

-- The receipts' index of 0016 held the text HLC, now empty on most rows: time is its order.
DROP INDEX movement_rows_receipts;
CREATE INDEX movement_rows_receipts ON movement_rows (product_key, occurred_at)
    WHERE kind = 'receipt' AND reference_kind = 'purchase_order';

-- The views of 0016, with the HLC rebuilt; dropping a view drops its triggers, made again below.
DROP VIEW sales;
DROP VIEW stock_movements;

CREATE VIEW sales AS
SELECT s.seq, s.id, c.id AS company_id,
       (SELECT w.id FROM warehouses w WHERE w.seq = s.warehouse_key) AS warehouse_id,
       s.sold_at, s.total, s.note,
       CASE WHEN s.hlc_clock IS NULL THEN s.hlc
            ELSE printf('%013d-%06d-', s.hlc_clock / 1000000, s.hlc_clock % 1000000)
                 || (SELECT d.id FROM device_keys d WHERE d.key = s.device_key) END AS hlc,
       s.user_id, (SELECT d.id FROM device_keys d WHERE d.key = s.device_key) AS device_id,
       s.number
FROM sale_rows s
JOIN companies c ON c.seq = s.company_key;

-- `reference_id` is computed: a filter on it reads every row. Queries filter on the stored
-- `reference_text` (not a sale of here) or `sale_key` instead.
CREATE VIEW stock_movements AS
SELECT m.seq, m.id, c.id AS company_id, p.id AS product_id, w.id AS warehouse_id, m.kind,
       m.quantity, m.reason, m.reference_kind,
       CASE WHEN m.sale_key IS NULL THEN m.reference_id
            ELSE (SELECT s.id FROM sale_rows s WHERE s.seq = m.sale_key) END AS reference_id,
       m.occurred_at,
       CASE WHEN m.hlc_clock IS NULL THEN m.hlc
            ELSE printf('%013d-%06d-', m.hlc_clock / 1000000, m.hlc_clock % 1000000)
                 || (SELECT d.id FROM device_keys d WHERE d.key = m.device_key) END AS hlc,
       m.user_id,
       (SELECT d.id FROM device_keys d WHERE d.key = m.device_key) AS device_id, m.note,
       m.reference_id AS reference_text, m.sale_key
FROM movement_rows m
JOIN companies c ON c.seq = m.company_key
JOIN products p ON p.seq = m.product_key
JOIN warehouses w ON w.seq = m.warehouse_key;

-- Writes through the views keep the short form whenever it gives the text back.
CREATE TRIGGER sales_insert INSTEAD OF INSERT ON sales BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
    INSERT INTO sale_rows (id, company_key, warehouse_key, sold_at, total, note, hlc, hlc_clock,
                           user_id, device_key, number)
    SELECT NEW.id,
            COALESCE((SELECT seq FROM companies WHERE id = NEW.company_id), -1),
            COALESCE((SELECT seq FROM warehouses WHERE id = NEW.warehouse_id), -1),
            NEW.sold_at, NEW.total, NEW.note,
            CASE WHEN clock.short THEN '' ELSE NEW.hlc END,
            CASE WHEN clock.short THEN clock.value END,
            NEW.user_id, (SELECT key FROM device_keys WHERE id = NEW.device_id), NEW.number
    FROM (SELECT wall * 1000000 + counter AS value,
                 wall <= 9223372036853
                 AND NEW.hlc = printf('%013d-%06d-', wall, counter) || NEW.device_id AS short
          FROM (SELECT CAST(substr(NEW.hlc, 1, 13) AS INTEGER) AS wall,
                       CAST(substr(NEW.hlc, 15, 6) AS INTEGER) AS counter)) clock;
END;

CREATE TRIGGER stock_movements_insert INSTEAD OF INSERT ON stock_movements BEGIN
    INSERT OR IGNORE INTO device_keys (id) VALUES (NEW.device_id);
    INSERT INTO movement_rows (id, company_key, product_key, warehouse_key, kind, quantity,
                               reason, reference_kind, reference_id, sale_key, occurred_at, hlc,
                               hlc_clock, user_id, device_key, note)
    SELECT NEW.id,
            COALESCE((SELECT seq FROM companies WHERE id = NEW.company_id), -1),
            COALESCE((SELECT seq FROM products WHERE id = NEW.product_id), -1),
            COALESCE((SELECT seq FROM warehouses WHERE id = NEW.warehouse_id), -1),
            NEW.kind, NEW.quantity, NEW.reason, NEW.reference_kind,
            CASE WHEN sale.seq IS NULL THEN NEW.reference_id END, sale.seq,
            NEW.occurred_at,
            CASE WHEN clock.short THEN '' ELSE NEW.hlc END,
            CASE WHEN clock.short THEN clock.value END,
            NEW.user_id,
            (SELECT key FROM device_keys WHERE id = NEW.device_id), NEW.note
    FROM (SELECT (SELECT seq FROM sale_rows
                  WHERE NEW.reference_kind = 'sale' AND id = NEW.reference_id) AS seq) sale,
         (SELECT wall * 1000000 + counter AS value,
                 wall <= 9223372036853
                 AND NEW.hlc = printf('%013d-%06d-', wall, counter) || NEW.device_id AS short
          FROM (SELECT CAST(substr(NEW.hlc, 1, 13) AS INTEGER) AS wall,
                       CAST(substr(NEW.hlc, 15, 6) AS INTEGER) AS counter)) clock;
END;

CREATE TRIGGER stock_movements_append_only_update INSTEAD OF UPDATE ON stock_movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_append_only_delete INSTEAD OF DELETE ON stock_movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
