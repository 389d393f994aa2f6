-- hookmap worker: the built-in catalog, the delivery audit log, and the deduplication memory.
-- One statement per line group, each ending with ';' at the end of a line.

-- Entities of the built-in catalog, keyed like Port's: (blueprint, identifier).
-- properties and relations are JSON objects; timestamps are ISO 8601 (UTC).
CREATE TABLE IF NOT EXISTS entities (
  blueprint TEXT NOT NULL,
  identifier TEXT NOT NULL,
  title TEXT,
  icon TEXT,
  team TEXT,
  properties TEXT NOT NULL DEFAULT '{}',
  relations TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (blueprint, identifier)
);

-- The audit log: one row per authenticated delivery (newest first by id).
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  webhook TEXT NOT NULL,
  request_id TEXT,
  outcome TEXT NOT NULL,
  status INTEGER NOT NULL,
  applied INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  summary TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS deliveries_time ON deliveries (time);

-- Delivery identities seen (security.requestIdentifierPath), remembered until expires_at (ms).
CREATE TABLE IF NOT EXISTS seen_deliveries (
  webhook TEXT NOT NULL,
  request_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (webhook, request_id)
);
