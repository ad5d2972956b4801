-- 0003: compact roster rows and a change log kept in chunks, so an import
-- writes one row per entity and one log row per thousands of changes.
-- Held rows are active (a deletion removes the row and logs it), so the
-- status column goes; dateLastModified becomes epoch milliseconds.
-- On SQLite a code step also rewrites the fields of rows held before into
-- the stored form (roster/fields.h); no PostgreSQL database ever held rows
-- of the 0002 form (the backend came after 0003), so here any such row
-- stops the migration rather than being carried over unconverted.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM roster) THEN
    RAISE EXCEPTION 'roster rows of schema 0002 cannot be converted on PostgreSQL';
  END IF;
END $$;
DROP TABLE roster;
CREATE TABLE roster (
  tenant_id bigint NOT NULL,
  entity integer NOT NULL,
  sourced_id text COLLATE "C" NOT NULL,
  modified_ms bigint NOT NULL,
  fields text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, entity, sourced_id)
);

-- Each row holds `count` changes of one tenant's entity type made at `at_ms`
-- by one import (or one API write): change i has sequence first_seq + i.
-- `changes` is count times: an operation byte ('a' add, 'u' update,
-- 'd' delete), the sourcedId, a NUL byte.
CREATE TABLE roster_log (
  first_seq bigint PRIMARY KEY,
  tenant_id bigint NOT NULL,
  entity integer NOT NULL,
  at_ms bigint NOT NULL,
  import_id bigint,
  count integer NOT NULL CHECK (count > 0),
  changes bytea NOT NULL
);
CREATE INDEX roster_log_by_tenant ON roster_log(tenant_id, entity, at_ms);

INSERT INTO roster_log
SELECT seq, tenant_id, entity, 0, import_id, 1,
       convert_to(substr(op, 1, 1) || sourced_id, 'UTF8') || '\x00'::bytea
FROM roster_changes ORDER BY seq;

DROP TABLE roster_changes;
