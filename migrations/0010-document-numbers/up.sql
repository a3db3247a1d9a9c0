-- Human numbers for sales, purchase orders and stock counts (`S-0042`, `PO-K7Q-0042`), unique
-- across devices that work offline without a server: each device numbers in its own series.
-- The device that created a company numbers without a series (`PO-0042`); every other device
-- (a joined laptop, a copy, a restored backup: each is a new device) uses its own, by default
-- three characters derived from its id, or one the owner sets. A number is given once, when
-- the document is made, and travels with it; rows made before this migration, and imported
-- history, have none and show their short reference.

-- The device that created the company: a synced field of the company. Known for a company this
-- database made and never synced; otherwise unknown, and then no device numbers without series.
ALTER TABLE companies ADD COLUMN origin_device_id TEXT;
UPDATE companies SET origin_device_id = (SELECT device_id FROM device)
 WHERE NOT EXISTS (SELECT 1 FROM sync_cursors c WHERE c.company_id = companies.id)
   AND NOT EXISTS (SELECT 1 FROM sync_peers p WHERE p.company_id = companies.id);

-- The series this device numbers in, as the owner set it; NULL: derived from the device id.
ALTER TABLE device ADD COLUMN series TEXT;

ALTER TABLE sales ADD COLUMN number TEXT;
ALTER TABLE purchase_orders ADD COLUMN number TEXT;
ALTER TABLE count_sessions ADD COLUMN number TEXT;
CREATE INDEX sales_number ON sales (company_id, number) WHERE number IS NOT NULL;
CREATE INDEX purchase_orders_number ON purchase_orders (company_id, number) WHERE number IS NOT NULL;

-- The last number given per company, kind and series on this device. Local: another device
-- never numbers in this device's series.
CREATE TABLE document_counters (
    company_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    series     TEXT NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (company_id, kind, series)
) STRICT, WITHOUT ROWID;
