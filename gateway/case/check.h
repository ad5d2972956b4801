/* The checks of a CFPackage a JSON Schema cannot make: duplicate
 * identifiers, isChildOf cycles, association ends neither in the package
 * nor known, CFItemType against its CFItemTypeURI. Used by package.c. */
#ifndef CW_CASE_CHECK_H
#define CW_CASE_CHECK_H

#include "case/package.h"

#define CW_CASE_POINTER_MAX 512

/** Where diagnostics of one read go, and what they count into. */
typedef struct {
	const cw_case_read_options *options;
	cw_case_package *package;
} cw_case_report_ctx;

/** Counts a diagnostic and hands it on (the first 1000 of each kind). */
void cw_case_report(cw_case_report_ctx *r, const char *pointer,
                    cw_case_severity severity, const char *code,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** Runs the checks over a normalised package; problems are reported and
 *  counted. 0, or CW_ENOMEM. */
int cw_case_check(cw_case_package *package,
                  const cw_case_read_options *options);

#endif
