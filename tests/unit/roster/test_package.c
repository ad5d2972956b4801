/* Whole sets, through an in-memory source: duplicates, references across
 * files and within one, undeclared and missing files, the tenant hook. */
#include "roster/package.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_roster_package(void);

/* An in-memory set: NULL-terminated pairs of name and content. */
typedef struct {
	cw_or_source base;
	const char *const *files;
} memory_source;

typedef struct {
	const char *text;
	size_t at;
} memory_file;

static int mem_open(cw_or_source *src, const char *name, void **handle)
{
	const char *const *f = ((memory_source *)src)->files;
	static memory_file open_files[8];
	static int next;

	for (; *f; f += 2)
		if (strcmp(f[0], name) == 0) {
			memory_file *m = &open_files[next++ % 8];
			m->text = f[1];
			m->at = 0;
			*handle = m;
			return 0;
		}
	return CW_ENOTFOUND;
}

static int mem_read(cw_or_source *src, void *handle, char *buf, size_t cap,
                    size_t *got)
{
	memory_file *m = handle;
	size_t left = strlen(m->text) - m->at;
	size_t n = left < cap ? left : cap;

	(void)src;
	if (n > 7)
		n = 7; /* small chunks: records cross chunk boundaries */
	memcpy(buf, m->text + m->at, n);
	m->at += n;
	*got = n;
	return 0;
}

static void mem_close(cw_or_source *src, void *handle)
{
	(void)src;
	(void)handle;
}

static int mem_list(cw_or_source *src, int (*cb)(const char *, void *),
                    void *payload)
{
	for (const char *const *f = ((memory_source *)src)->files; *f; f += 2)
		cb(f[0], payload);
	return 0;
}

typedef struct {
	cw_buf diags;
	cw_buf rows;
	const char *tenant_org; /* the one org the "tenant" holds */
} seen;

static void on_diag(const cw_diag *d, void *payload)
{
	seen *s = payload;

	cw_buf_printf(&s->diags, "%s %s:%u:%u %s;", d->severity ? "W" : "E",
	              d->file, d->line, d->column, d->code);
}

static int on_row(const cw_or_row *row, void *payload)
{
	seen *s = payload;

	cw_buf_printf(&s->rows, "%s/%s;", row->file->name, row->values[0]);
	return 0;
}

static int known(cw_or_entity entity, const char *id, void *payload)
{
	seen *s = payload;

	return entity == CW_OR_ORGS && s->tenant_org &&
	       strcmp(id, s->tenant_org) == 0;
}

static int check(seen *s, const char *const *files, int with_tenant,
                 cw_or_package_report *report)
{
	memory_source src = { { mem_open, mem_read, mem_close, mem_list, NULL },
		              files };
	cw_or_package_hooks hooks = { on_diag, on_row,
		                      with_tenant ? known : NULL, s, NULL };

	s->diags = (cw_buf)CW_BUF_INIT(1 << 16);
	s->rows = (cw_buf)CW_BUF_INIT(1 << 16);
	return cw_or_package_check(report, &src.base, &hooks);
}

static void done(seen *s)
{
	cw_buf_dispose(&s->diags);
	cw_buf_dispose(&s->rows);
}

#define MANIFEST_12(files) "propertyName,value\noneroster.version,1.2\n" files

static const char *const good_set[] = {
	"manifest.csv",
	MANIFEST_12("file.orgs,bulk\nfile.users,bulk\n"),
	"orgs.csv",
	"sourcedId,status,dateLastModified,name,type,parentSourcedId\n"
	"sch-1,,,School,school,dst-1\n"
	"dst-1,,,District,district,\n",
	"users.csv",
	"sourcedId,status,dateLastModified,enabledUser,username,givenName,"
	"familyName,agentSourcedIds,primaryOrgSourcedId\n"
	"u1,,,true,a,A,A,u2,sch-1\n"
	"u2,,,true,b,B,B,,dst-1\n",
	NULL,
};

START_TEST(valid_set_streams_rows_in_dependency_order)
{
	cw_or_package_report r;
	seen s = { 0 };

	ck_assert_int_eq(check(&s, good_set, 0, &r), 0);
	/* orgs before users, whatever the manifest's order; the forward
	 * references (sch-1 -> dst-1, u1 -> u2) resolve at the end of the
	 * file. */
	ck_assert_str_eq(s.rows.data,
	                 "orgs/sch-1;orgs/dst-1;users/u1;users/u2;");
	ck_assert_str_eq(cw_buf_cstr(&s.diags),
	                 "W manifest.csv:0:0 manifest.file_not_listed;");
	ck_assert_uint_eq(r.rows, 4);
	ck_assert_uint_eq(r.files[CW_OR_USERS].rows, 2);
	ck_assert_uint_eq(r.errors, 0);
	done(&s);
}
END_TEST

START_TEST(duplicates_and_missing_references)
{
	static const char *const set[] = {
		"manifest.csv",
		MANIFEST_12("file.orgs,bulk\nfile.users,bulk\n"
		            "file.enrollments,delta\n"),
		"orgs.csv",
		"sourcedId,name,type,parentSourcedId\n"
		"sch-1,School,school,nowhere\nsch-1,Again,school,\n",
		"users.csv",
		"sourcedId,enabledUser,username,givenName,familyName,"
		"agentSourcedIds\nu1,true,a,A,A,\"u1,ghost\"\n",
		"enrollments.csv",
		"sourcedId,status,dateLastModified,classSourcedId,"
		"schoolSourcedId,userSourcedId,role\n"
		"e1,active,2025-01-01T00:00:00.000Z,cls-9,sch-1,u1,student\n",
		NULL,
	};
	cw_or_package_report r;
	seen s = { 0 };

	ck_assert_int_eq(check(&s, set, 0, &r), CW_EINVAL);
	ck_assert_ptr_nonnull(
	        strstr(s.diags.data, "E orgs.csv:3:1 row.duplicate_id;"));
	ck_assert_ptr_nonnull(
	        strstr(s.diags.data, "E orgs.csv:2:21 ref.missing;"));
	ck_assert_ptr_nonnull(
	        strstr(s.diags.data, "E users.csv:2:15 ref.missing;"));
	/* A delta file pointing at classes, which the set does not carry:
	 * without a tenant to ask, a warning. */
	ck_assert_msg(strstr(s.diags.data,
	                     "W enrollments.csv:2:36 ref.unverified;") != NULL,
	              "%s", s.diags.data);
	ck_assert_uint_eq(r.errors, 3);
	done(&s);
}
END_TEST

START_TEST(tenant_hook_resolves_references)
{
	static const char *const set[] = {
		"manifest.csv",
		MANIFEST_12("file.users,delta\n"),
		"users.csv",
		"sourcedId,status,dateLastModified,enabledUser,username,"
		"givenName,familyName,primaryOrgSourcedId\n"
		"u1,active,2025-01-01T00:00:00.000Z,true,a,A,A,held-org\n"
		"u2,active,2025-01-01T00:00:00.000Z,true,b,B,B,other-org\n",
		NULL,
	};
	cw_or_package_report r;
	seen s = { 0 };

	s.tenant_org = "held-org";
	ck_assert_int_eq(check(&s, set, 1, &r), CW_EINVAL);
	ck_assert_ptr_null(strstr(s.diags.data, "users.csv:2:"));
	ck_assert_ptr_nonnull(strstr(s.diags.data, "E users.csv:3:"));
	ck_assert_ptr_nonnull(strstr(s.diags.data, "ref.missing"));
	done(&s);
}
END_TEST

START_TEST(files_the_manifest_does_not_match)
{
	static const char *const set[] = {
		"manifest.csv",
		MANIFEST_12("file.orgs,bulk\nfile.users,absent\n"),
		"users.csv",
		"sourcedId\n",
		"notes.csv",
		"x\n",
		NULL,
	};
	cw_or_package_report r;
	seen s = { 0 };

	ck_assert_int_eq(check(&s, set, 0, &r), CW_EINVAL);
	ck_assert_ptr_nonnull(strstr(
	        s.diags.data, "E users.csv:0:0 package.undeclared_file;"));
	ck_assert_ptr_nonnull(
	        strstr(s.diags.data, "W notes.csv:0:0 package.unknown_file;"));
	ck_assert_ptr_nonnull(
	        strstr(s.diags.data, "E orgs.csv:0:0 package.missing_file;"));
	done(&s);
}
END_TEST

START_TEST(no_manifest)
{
	static const char *const set[] = { "users.csv", "sourcedId\n", NULL };
	cw_or_package_report r;
	seen s = { 0 };

	ck_assert_int_eq(check(&s, set, 0, &r), CW_EINVAL);
	ck_assert_str_eq(s.diags.data,
	                 "E manifest.csv:0:0 package.missing_manifest;");
	ck_assert(!r.manifest_ok);
	done(&s);
}
END_TEST

START_TEST(rows_with_errors_are_not_streamed)
{
	static const char *const set[] = {
		"manifest.csv",
		MANIFEST_12("file.orgs,bulk\n"),
		"orgs.csv",
		"sourcedId,name,type\no1,A,school\no2,B,castle\n",
		NULL,
	};
	cw_or_package_report r;
	seen s = { 0 };

	ck_assert_int_eq(check(&s, set, 0, &r), CW_EINVAL);
	ck_assert_str_eq(s.rows.data, "orgs/o1;");
	done(&s);
}
END_TEST

Suite *suite_roster_package(void)
{
	Suite *s = suite_create("roster/package");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, valid_set_streams_rows_in_dependency_order);
	tcase_add_test(tc, duplicates_and_missing_references);
	tcase_add_test(tc, tenant_hook_resolves_references);
	tcase_add_test(tc, files_the_manifest_does_not_match);
	tcase_add_test(tc, no_manifest);
	tcase_add_test(tc, rows_with_errors_are_not_streamed);
	suite_add_tcase(s, tc);
	return s;
}
