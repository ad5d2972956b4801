/* The OneRoster set the REST integration tests import (see or_set.c). */
#ifndef CW_TESTS_OR_SET_H
#define CW_TESTS_OR_SET_H

#include "harness.h"

/** users.csv of the set: s1 and s2 (students), t1 (teacher). */
extern const char cwt_or_users_csv[];

/** Writes text to dir/name (the test fails if it cannot). */
void cwt_or_write_file(const char *dir, const char *name, const char *text);
/** Makes dir and writes the whole 1.2 bulk set in it, with users. */
void cwt_or_write_set(const char *dir, const char *users);
/** `crosswalk roster import --approve` of dir into tenant. */
void cwt_or_import(const cwt_env *env, const char *tenant, const char *dir);

#endif
