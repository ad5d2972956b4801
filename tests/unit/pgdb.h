/* Throwaway databases on the test cluster (scripts/pg-test-cluster.sh sets
 * CROSSWALK_TEST_PG to its URL): tests of the PostgreSQL backend make one,
 * use its URL as the store, and drop it. Without the variable they skip. */
#ifndef CW_TESTS_PGDB_H
#define CW_TESTS_PGDB_H

#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/** The cluster's URL, or NULL when the tests run without PostgreSQL. */
static inline const char *cw_test_pg_base(void)
{
	const char *url = getenv("CROSSWALK_TEST_PG");

	return url && *url ? url : NULL;
}

/** Runs sql on url (the test fails if it does); returns rows changed. */
static inline int cw_test_pg_exec(const char *url, const char *sql)
{
	PGconn *conn = PQconnectdb(url);
	PGresult *res;
	int ok, changed;

	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "PostgreSQL: %s",
	              PQerrorMessage(conn));
	res = PQexec(conn, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	     PQresultStatus(res) == PGRES_TUPLES_OK;
	changed = (int)strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	PQfinish(conn);
	return ok ? changed : -1;
}

/** Makes a database; its name into name, its URL into url. */
static inline void cw_test_pg_create(char name[64], char url[512])
{
	static unsigned counter;
	const char *base = cw_test_pg_base();
	const char *hosts = strstr(base, "://");
	const char *slash = hosts ? strchr(hosts + 3, '/') : NULL;
	char sql[128];

	ck_assert_ptr_nonnull(slash);
	snprintf(name, 64, "cwu_%ld_%u_%ld", (long)getpid(), counter++,
	         (long)time(NULL) % 100000);
	snprintf(url, 512, "%.*s/%s", (int)(slash - base), base, name);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	ck_assert_int_ge(cw_test_pg_exec(base, sql), 0);
}

static inline void cw_test_pg_drop(const char *name)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
	         name);
	ck_assert_int_ge(cw_test_pg_exec(cw_test_pg_base(), sql), 0);
}

#endif
