-- Issue #16: the low-stock alerts of a large company are read on two threads, each over half
-- of the company's products by local key (`alerts.rs`).

-- The first and last product of a company by key, in two index seeks (without it, finding
-- the range read every product of the company).
CREATE INDEX products_company_seq ON products (company_id, seq);

-- The rows below their threshold in the order of their product's key (0005 had the last sale
-- day first): the alerts then look each product up in `alert_products` and its sales up in
-- `sales_daily_keyed` in key order, each seek beside the last one, instead of one run of keys
-- per day of the window. The last sale day is still read from the index entry.
DROP INDEX stock_levels_below;
CREATE INDEX stock_levels_below
    ON stock_levels (warehouse_id, product_seq, last_sale_day, on_hand, threshold, product_id)
    WHERE on_hand < threshold;
