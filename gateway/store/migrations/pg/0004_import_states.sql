-- 0004: a pending import can also end as superseded (a later import of the
-- tenant was applied first: approving it would undo newer data) or expired
-- (nobody approved it in time; its upload is gone).
ALTER TABLE roster_imports DROP CONSTRAINT roster_imports_state;
ALTER TABLE roster_imports ADD CONSTRAINT roster_imports_state CHECK (state IN
  ('running', 'applied', 'unchanged', 'pending', 'approved', 'rejected',
   'failed', 'superseded', 'expired'));
CREATE INDEX roster_imports_pending ON roster_imports(state, created_at);
