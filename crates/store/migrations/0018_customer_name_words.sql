-- Customer search by name (rapport_store::customer_words): one row per word
-- of a customer's folded name, so `GET /api/v1/customers?name=` is an
-- indexed range look-up by word prefix instead of a LIKE scan of every
-- customer. Compared byte by byte on both engines ({ctext}), so a prefix's
-- range is the same on each. Filled for existing customers when this
-- migration is applied.
CREATE TABLE customer_name_words (
    word {ctext} NOT NULL,
    customer_id BIGINT NOT NULL,
    PRIMARY KEY (word, customer_id)
);
CREATE INDEX customer_name_words_customer ON customer_name_words (customer_id);
