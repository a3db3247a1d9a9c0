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
