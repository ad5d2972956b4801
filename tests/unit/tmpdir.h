/* Temporary directories for tests that need files. */
#ifndef CW_TESTS_TMPDIR_H
#define CW_TESTS_TMPDIR_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Makes a fresh directory under $TMPDIR (or /tmp) into out. */
static inline void cw_test_tmpdir(char out[256])
{
	const char *base = getenv("TMPDIR");

	snprintf(out, 256, "%s/cw-test-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(out));
}

/** Removes a directory tree made by cw_test_tmpdir. */
static inline void cw_test_rmtree(const char *dir)
{
	char command[512];

	if (strncmp(dir, "/tmp/", 5) != 0 && !strstr(dir, "/cw-test-"))
		return;
	snprintf(command, sizeof(command), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(command), 0);
}

#endif
