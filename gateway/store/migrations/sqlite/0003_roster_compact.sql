-- 0003: compact roster rows and a change log kept in chunks, so an import
-- writes one row per entity and one log row per thousands of changes.
-- Held rows are active (a deletion removes the row and logs it), so the
-- status column goes; dateLastModified becomes epoch milliseconds.
CREATE TABLE roster_rows (
  tenant_id INTEGER NOT NULL,
  entity INTEGER NOT NULL,
  sourced_id TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  fields TEXT NOT NULL,
  PRIMARY KEY (tenant_id, entity, sourced_id)
) WITHOUT ROWID;

INSERT INTO roster_rows
SELECT tenant_id, entity, sourced_id,
       coalesce(CAST(round((julianday(date_last_modified) - 2440587.5)
                           * 86400000.0) AS INTEGER), 0),
       fields
FROM roster WHERE status = 'active';

DROP TABLE roster;
ALTER TABLE roster_rows RENAME TO roster;

-- Each row holds `count` changes of one tenant's entity type made at `at_ms`
-- by one import (or one API write): change i has sequence first_seq + i.
-- `changes` is count times: an operation byte ('a' add, 'u' update,
-- 'd' delete), the sourcedId, a NUL byte.
CREATE TABLE roster_log (
  first_seq INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  entity INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  import_id INTEGER,
  count INTEGER NOT NULL CHECK (count > 0),
  changes BLOB NOT NULL
);
CREATE INDEX roster_log_by_tenant ON roster_log(tenant_id, entity, at_ms);

INSERT INTO roster_log
SELECT seq, tenant_id, entity,
       coalesce(CAST(round((julianday(at) - 2440587.5) * 86400000.0)
                     AS INTEGER), 0),
       import_id, 1, CAST(substr(op, 1, 1) || sourced_id || char(0) AS BLOB)
FROM roster_changes ORDER BY seq;

DROP TABLE roster_changes;
