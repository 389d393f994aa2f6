-- hookmap worker: durable ingestion (Cloudflare Queues). A delivery is stored here before it is
-- queued, and its row then follows it: queued -> applied | partial | failed | stale, or
-- retrying (attempts, next_attempt_at) -> ... -> dead. `outcome` holds that state.

-- The stored request: the raw body text, the headers without signature/authorization/cookie
-- headers, the query parameters (JSON), and the configuration version it was accepted under.
ALTER TABLE deliveries ADD COLUMN body TEXT;
ALTER TABLE deliveries ADD COLUMN headers TEXT;
ALTER TABLE deliveries ADD COLUMN query TEXT;
ALTER TABLE deliveries ADD COLUMN config_version TEXT;
-- When its id was handed to the queue (NULL: never sent; the sweeper sends it).
ALTER TABLE deliveries ADD COLUMN enqueued_at TEXT;
-- Retries: attempts made, when the next one is due, when the first failure happened (the
-- retry budget counts from there).
ALTER TABLE deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN next_attempt_at TEXT;
ALTER TABLE deliveries ADD COLUMN first_failure_at TEXT;
ALTER TABLE deliveries ADD COLUMN updated_at TEXT;
-- The value of the webhook's ordering expression for this delivery (number or text), if any.
ALTER TABLE deliveries ADD COLUMN order_key;
CREATE INDEX IF NOT EXISTS deliveries_outcome ON deliveries (outcome, id);

-- A claim token per remembered identity: the delivery row is stored in the same transaction,
-- only when this claim is the one that won (a delivery is remembered only once it is stored).
ALTER TABLE seen_deliveries ADD COLUMN claim TEXT;

-- Per-entity ordering: the ordering value of the last update applied to (blueprint, identifier)
-- (typeless column: numbers compare as numbers, text as text).
CREATE TABLE IF NOT EXISTS entity_order (
  blueprint TEXT NOT NULL,
  identifier TEXT NOT NULL,
  order_key NOT NULL,
  delivery_id INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (blueprint, identifier)
);
