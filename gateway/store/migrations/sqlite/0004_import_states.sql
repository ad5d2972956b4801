-- 0004: a pending import can also end as superseded (a later import of the
-- tenant was applied first: approving it would undo newer data) or expired
-- (nobody approved it in time; its upload is gone). SQLite cannot change a
-- CHECK constraint in place: the table is made again.
CREATE TABLE roster_imports_v4 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  created_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'applied', 'unchanged',
    'pending', 'approved', 'rejected', 'failed', 'superseded', 'expired')),
  source TEXT,
  report TEXT
);
INSERT INTO roster_imports_v4 SELECT * FROM roster_imports;
DROP TABLE roster_imports;
ALTER TABLE roster_imports_v4 RENAME TO roster_imports;
CREATE INDEX roster_imports_by_tenant ON roster_imports(tenant_id, id);
CREATE INDEX roster_imports_pending ON roster_imports(state, created_at);
