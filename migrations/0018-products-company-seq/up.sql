-- Issue #16: the first and last product of a company by local key, in two index seeks. The
-- low-stock alerts of a large company are read on two threads, each over half of that range
-- (`alerts.rs`); without this index finding the range read every product of the company.
CREATE INDEX products_company_seq ON products (company_id, seq);
