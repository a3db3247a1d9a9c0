-- Issue #16: an import's stock rows (one count per product and warehouse: 119,779 at M,
-- 1,800,153 at L) are queued as one range per company, as its sales are (0013), instead of
-- one outbox entry each (about 164 bytes each, 20 MB at M). What a range stands for:
--   'sale':           each sale of the company with `sales.seq` from `first_sale` to
--                     `last_sale`, its lines and its movements; `sales` is how many sales;
--   'stock_movement': each movement of the company with `stock_movements.seq` from
--                     `first_sale` to `last_sale`; `sales` is how many movements.
ALTER TABLE outbox_ranges ADD COLUMN entity TEXT NOT NULL DEFAULT 'sale'
    CHECK (entity IN ('sale', 'stock_movement'));
