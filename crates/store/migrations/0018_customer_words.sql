-- Customer name look-ups through an index instead of a `LIKE '%part%'` scan
-- (rapport_store::customer_words): every prefix, up to 10 characters, of
-- every word of a customer's folded name. `GET /customers?name=` reads the
-- rows of its longest word's prefix in customer id order (the primary key),
-- then checks the whole part against those customers' names only.
CREATE TABLE customer_words (
    prefix TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    PRIMARY KEY (prefix, customer_id)
);
CREATE INDEX customer_words_customer ON customer_words (customer_id);
