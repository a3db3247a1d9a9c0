-- An import writes in short transactions (issue #16: a sale during an import waits at most
-- a moment), so until it is finished its companies are listed here: nothing reads them (no
-- company list, no search by name, no sync), and the import's last transaction removes them
-- from this table, which makes the whole import visible at once. A company still here when no
-- import runs is what a failed or killed import left: the next import deletes all of it,
-- movements included, which the ledger's append-only rule allows for these companies only.
CREATE TABLE pending_imports (
    company_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

DROP TRIGGER stock_movements_append_only_delete;
CREATE TRIGGER stock_movements_append_only_delete BEFORE DELETE ON stock_movements
WHEN NOT EXISTS (SELECT 1 FROM pending_imports p WHERE p.company_id = OLD.company_id) BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;

-- Imported history is queued as one range per company instead of three outbox entries per
-- sale (issue #16: the outbox was a quarter of the database after an import). A range stands
-- for each sale of the company with `seq` from `first_sale` to `last_sale`, its lines and its
-- movements (an imported sale has one of each); sending turns the next few into ordinary
-- entries, frozen as they go out. `sales` is how many sales it still stands for.
CREATE TABLE outbox_ranges (
    seq        INTEGER PRIMARY KEY,
    company_id TEXT NOT NULL,
    first_sale INTEGER NOT NULL,
    last_sale  INTEGER NOT NULL,
    sales      INTEGER NOT NULL
) STRICT;

-- The ledger's (product, warehouse, time) index duplicated (product, time, seq) for every
-- query that has both: they seek the product's time range and filter the warehouse. One index
-- of text keys fewer per movement (131 MB at M) and per insert.
DROP INDEX stock_movements_product_warehouse;
