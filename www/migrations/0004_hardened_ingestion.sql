-- hookmap worker: ingestion that holds under concurrency (issue 21).

-- A delivery is processed under a lease: `run` counts its claims (a replay counts as one too)
-- and every state write is a compare-and-set on it, so a copy whose run is over (a replay came,
-- or another copy claimed it after the lease ran out) writes nothing. `lease_until` (ms since
-- the epoch): until when the copy that claimed it holds it.
ALTER TABLE deliveries ADD COLUMN run INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;

-- Ordering claims: an update is applied only by the delivery holding the entity's claim, made
-- (compare-and-set) before the entity is sent; `holder` (a delivery id) holds it while applying,
-- until `held_until` (ms), so a newer update waits instead of racing an older one to Port.
ALTER TABLE entity_order ADD COLUMN holder INTEGER;
ALTER TABLE entity_order ADD COLUMN holder_run INTEGER;
ALTER TABLE entity_order ADD COLUMN held_until INTEGER;

-- The catalog target's health, for the recovery drain: since when it has been failing (ms; NULL
-- when healthy), and until when a probe of it is scheduled.
CREATE TABLE IF NOT EXISTS target_health (
  target TEXT PRIMARY KEY,
  failing_since INTEGER,
  probe_at INTEGER
);
