/* CASE frameworks written out for the products that import them: Canvas
 * outcomes, Moodle competency frameworks, PowerSchool learning standards,
 * Schoology district mastery, the spreadsheet CSV (case/sheet.h), the
 * CFPackage JSON and Open Badges 3.0 Achievements. Pure: a normalised
 * package tree (case/package.h) in, text out. */
#ifndef CW_CASE_EXPORT_H
#define CW_CASE_EXPORT_H

#include "util/buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum {
	CW_CASE_EXPORT_CANVAS,
	CW_CASE_EXPORT_MOODLE,
	CW_CASE_EXPORT_POWERSCHOOL,
	CW_CASE_EXPORT_SCHOOLOGY,
	CW_CASE_EXPORT_CSV,
	CW_CASE_EXPORT_CASE_JSON,
	CW_CASE_EXPORT_OB3,
	CW_CASE_EXPORT_FORMAT_COUNT
} cw_case_export_format;

/** The format called name ("canvas", "ob3-achievements" …); CW_EINVAL. */
int cw_case_export_format_of(cw_case_export_format *out, const char *name);
/** The name of a format. */
const char *cw_case_export_format_name(cw_case_export_format format);

/* Canvas outcomes take a rating scale; an item no CFRubric criterion points
 * at gets this one (points, description, decreasing), mastery at 3. */
#define CW_CASE_EXPORT_DEFAULT_RATINGS                                         \
	{                                                                      \
		{ 4, "Exceeds Mastery" }, { 3, "Mastery" },                    \
		        { 2, "Near Mastery" },                                 \
		{                                                              \
			1, "Below Mastery"                                     \
		}                                                              \
	}
#define CW_CASE_EXPORT_DEFAULT_RATING_COUNT 4
#define CW_CASE_EXPORT_DEFAULT_MASTERY      3

/* Moodle needs a scale on the framework: values and its configuration
 * (the scaleid is a placeholder the importer rewrites; the second value,
 * Competent, is the default and proficient), as Moodle's own example. */
#define CW_CASE_EXPORT_MOODLE_SCALE "Not yet competent,Competent"
#define CW_CASE_EXPORT_MOODLE_SCALE_CONFIG                                     \
	"[{\"scaleid\":\"2\"},{\"id\":2,\"scaledefault\":1,\"proficient\":1}]"
/* Moodle's FORMAT_MARKDOWN (lib/weblib.php): CASE text is Markdown. */
#define CW_CASE_EXPORT_MOODLE_MARKDOWN 4

/**
 * Writes the package root (package.h: CFDocument, CFItems, …) in format,
 * appended to out.
 * @param[out] rows the rows written below the header (CSV), or the objects
 *             (JSON: items for case-json, achievements for ob3)
 * @return 0, CW_ENOMEM or CW_ETOOBIG (out's cap)
 */
int cw_case_export(cw_buf *out, size_t *rows, const cJSON *root,
                   cw_case_export_format format);

#endif
