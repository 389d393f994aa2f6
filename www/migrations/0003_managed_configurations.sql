-- hookmap worker: webhook configurations kept in D1, versioned (the admin API edits them; the
-- WEBHOOKS binding still works: a webhook it names and D1 lacks is imported as version 1).
-- Signing secrets are never stored here: they stay in secret bindings.

-- One row per webhook: which version is live.
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY,
  current_version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Every version ever published: the configuration (JSON text, without security.secret), the
-- ordering expression (jq, or NULL), when, and why (note).
CREATE TABLE IF NOT EXISTS webhook_versions (
  webhook TEXT NOT NULL,
  version INTEGER NOT NULL,
  config TEXT NOT NULL,
  order_by TEXT,
  created_at TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (webhook, version)
);

-- GET /api/deliveries?webhook=ID reads the newest deliveries of one webhook.
CREATE INDEX IF NOT EXISTS deliveries_webhook ON deliveries (webhook, id);
