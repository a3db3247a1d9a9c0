-- Issue #17: money carries its currency, and products their cost.
-- The company's currency, an ISO 4217 code (the core knows each code's decimals). Existing
-- companies get USD: prices were entered without one, and the owner sets the real one in
-- Settings > Company (a synced field like the name).
ALTER TABLE companies ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
-- The cost price the owner sets (a decimal as text, like `price`); NULL when not known. The
-- last received cost is not stored: it is read from the latest purchase-order receipt.
ALTER TABLE products ADD COLUMN cost TEXT;
-- The latest receipt of a product, for its last received cost.
CREATE INDEX stock_movements_receipts ON stock_movements (product_id, occurred_at, hlc)
    WHERE kind = 'receipt' AND reference_kind = 'purchase_order';
