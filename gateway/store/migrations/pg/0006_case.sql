-- 0006: CASE frameworks. Each tenant's documents with the package served
-- for them (its 1.1 text, deflated, made at import), every object of every
-- package by identifier (strict 1.1 JSON; associations with their ends, so
-- an item's associations are an index lookup), and a change log kept in
-- chunks as the roster's is.
CREATE TABLE case_documents (
  tenant_id bigint NOT NULL,
  identifier text COLLATE "C" NOT NULL,
  title text COLLATE "C" NOT NULL,
  last_change text COLLATE "C" NOT NULL,
  source text COLLATE "C",
  imported_at_ms bigint NOT NULL,
  document text COLLATE "C" NOT NULL,
  package bytea NOT NULL,
  package_bytes bigint NOT NULL,
  PRIMARY KEY (tenant_id, identifier)
);

-- kind: 0 CFDocument, 1 CFItem, 2 CFAssociation, 3 CFConcept, 4 CFSubject,
-- 5 CFLicense, 6 CFItemType, 7 CFAssociationGrouping, 8 CFRubric.
-- retired_ms: the object left its package (it is still served on its own,
-- since results and badges may point at it).
CREATE TABLE case_objects (
  tenant_id bigint NOT NULL,
  identifier text COLLATE "C" NOT NULL,
  kind integer NOT NULL,
  document text COLLATE "C" NOT NULL,
  body text COLLATE "C" NOT NULL,
  origin text COLLATE "C",
  destination text COLLATE "C",
  retired_ms bigint,
  PRIMARY KEY (tenant_id, identifier)
);
CREATE INDEX case_objects_by_document ON case_objects(tenant_id, document);
CREATE INDEX case_objects_by_origin ON case_objects(tenant_id, origin)
  WHERE origin IS NOT NULL;
CREATE INDEX case_objects_by_destination ON case_objects(tenant_id, destination)
  WHERE destination IS NOT NULL;

-- `changes` is count times: an operation byte ('a' added, 'u' changed,
-- 'r' retired), a kind byte ('0' + kind), the identifier, a NUL byte.
CREATE TABLE case_log (
  first_seq bigint PRIMARY KEY,
  tenant_id bigint NOT NULL,
  document text COLLATE "C" NOT NULL,
  at_ms bigint NOT NULL,
  count integer NOT NULL CHECK (count > 0),
  changes bytea NOT NULL
);
CREATE INDEX case_log_by_tenant ON case_log(tenant_id, first_seq);
