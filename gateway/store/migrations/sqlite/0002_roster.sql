-- 0002: the OneRoster store (canonical 1.2 model), its change log and imports.
-- One row per entity; `fields` is the canonical JSON of its 1.2 fields.
CREATE TABLE roster (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  entity INTEGER NOT NULL,
  sourced_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'tobedeleted')),
  date_last_modified TEXT NOT NULL,
  fields TEXT NOT NULL,
  PRIMARY KEY (tenant_id, entity, sourced_id)
) WITHOUT ROWID;

CREATE TABLE roster_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL,
  entity INTEGER NOT NULL,
  sourced_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('add', 'update', 'delete')),
  at TEXT NOT NULL,
  import_id INTEGER
);
CREATE INDEX roster_changes_by_tenant ON roster_changes(tenant_id, at);

CREATE TABLE roster_imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  created_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'applied', 'unchanged', 'pending', 'approved', 'rejected', 'failed')),
  source TEXT,
  report TEXT
);
CREATE INDEX roster_imports_by_tenant ON roster_imports(tenant_id, id);
