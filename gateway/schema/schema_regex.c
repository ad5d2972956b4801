/* ECMA-262 regular expressions for pattern and patternProperties, run by
 * PCRE2 with match limits so a hostile pattern cannot stall a request. */
#include "schema/schema_internal.h"

#include "util/error.h"

#include <string.h>

#define PATTERN_MAX       (64L * 1024)
#define PARENS_NEST_LIMIT 64

/* ECMA-262 \s is Unicode white space and line terminators; PCRE2's \s
 * without UCP is ASCII only (UCP would also widen \d and \w, which ECMA keeps
 * ASCII). */
#define ECMA_SPACE                                                             \
	"\\s\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f"                \
	"\\u205f\\u3000\\ufeff"

/* ECMA-262 long General_Category names; PCRE2 10.42 knows the short. */
static const char *const categories[][2] = {
	{ "Letter", "L" },
	{ "Cased_Letter", "L&" },
	{ "Uppercase_Letter", "Lu" },
	{ "Lowercase_Letter", "Ll" },
	{ "Titlecase_Letter", "Lt" },
	{ "Modifier_Letter", "Lm" },
	{ "Other_Letter", "Lo" },
	{ "Mark", "M" },
	{ "Nonspacing_Mark", "Mn" },
	{ "Spacing_Mark", "Mc" },
	{ "Enclosing_Mark", "Me" },
	{ "Number", "N" },
	{ "Decimal_Number", "Nd" },
	{ "Letter_Number", "Nl" },
	{ "Other_Number", "No" },
	{ "Punctuation", "P" },
	{ "Connector_Punctuation", "Pc" },
	{ "Dash_Punctuation", "Pd" },
	{ "Open_Punctuation", "Ps" },
	{ "Close_Punctuation", "Pe" },
	{ "Initial_Punctuation", "Pi" },
	{ "Final_Punctuation", "Pf" },
	{ "Other_Punctuation", "Po" },
	{ "Symbol", "S" },
	{ "Math_Symbol", "Sm" },
	{ "Currency_Symbol", "Sc" },
	{ "Modifier_Symbol", "Sk" },
	{ "Other_Symbol", "So" },
	{ "Separator", "Z" },
	{ "Space_Separator", "Zs" },
	{ "Line_Separator", "Zl" },
	{ "Paragraph_Separator", "Zp" },
	{ "Other", "C" },
	{ "Control", "Cc" },
	{ "Format", "Cf" },
	{ "Surrogate", "Cs" },
	{ "Private_Use", "Co" },
	{ "Unassigned", "Cn" },
	/* The other aliases of PropertyValueAliases.txt. */
	{ "digit", "Nd" },
	{ "punct", "P" },
	{ "Combining_Mark", "M" },
	{ "cntrl", "Cc" },
};

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(s, prefix, n) == 0;
}

/* Writes the PCRE2 form of the property name[0..len) of \p{...}. */
static void put_property(cw_buf *out, const char *name, size_t len)
{
	static const char *const prefixes[] = { "General_Category=", "gc=",
		                                "Script=", "sc=" };

	for (size_t i = 0; i < 4; i++) {
		if (starts_with(name, len, prefixes[i])) {
			size_t n = strlen(prefixes[i]);

			name += n;
			len -= n;
			break;
		}
	}
	if (starts_with(name, len, "Script_Extensions=") ||
	    starts_with(name, len, "scx=")) {
		size_t n = name[1] == 'c' ? 4 : 18;

		cw_buf_puts(out, "scx:");
		name += n;
		len -= n;
	}
	for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]);
	     i++) {
		if (strlen(categories[i][0]) == len &&
		    strncmp(categories[i][0], name, len) == 0) {
			cw_buf_puts(out, categories[i][1]);
			return;
		}
	}
	cw_buf_put(out, name, len);
}

/* Copies \p{...} or \P{...} at p (the letter) with its name translated;
 * returns the last byte consumed. */
static const char *put_property_escape(cw_buf *out, const char *p)
{
	/* p[1] first: the pattern may end right after the letter. */
	const char *close = p[1] == '{' ? strchr(p + 2, '}') : NULL;

	if (!close) {
		cw_buf_putc(out, '\\');
		cw_buf_putc(out, *p);
		return p;
	}
	cw_buf_putc(out, '\\');
	cw_buf_putc(out, *p);
	cw_buf_putc(out, '{');
	put_property(out, p + 2, (size_t)(close - p - 2));
	cw_buf_putc(out, '}');
	return close;
}

/* Rewrites \s and \S into PCRE2 classes with ECMA-262's meaning, and long
 * Unicode property names into the ones PCRE2 knows. */
static int translate(cw_buf *out, const char *pattern)
{
	int in_class = 0;

	for (const char *p = pattern; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p == 'p' || *p == 'P')
				p = put_property_escape(out, p);
			else if (*p == 's' && in_class)
				cw_buf_puts(out, ECMA_SPACE);
			else if (*p == 's')
				cw_buf_puts(out, "[" ECMA_SPACE "]");
			else if (*p == 'S' && !in_class)
				cw_buf_puts(out, "[^" ECMA_SPACE "]");
			else {
				cw_buf_putc(out, '\\');
				cw_buf_putc(out, *p);
			}
			continue;
		}
		if (*p == '[' && !in_class) {
			in_class = 1;
			cw_buf_putc(out, *p);
			if (p[1] == '^')
				cw_buf_putc(out, *++p);
			continue;
		}
		if (*p == ']' && in_class)
			in_class = 0;
		cw_buf_putc(out, *p);
	}
	return out->error;
}

static pcre2_compile_context *compile_context(void)
{
	pcre2_compile_context *context = pcre2_compile_context_create(NULL);

	if (!context)
		return NULL;
	if (pcre2_set_compile_extra_options(context, PCRE2_EXTRA_ALT_BSUX) !=
	            0 ||
	    pcre2_set_parens_nest_limit(context, PARENS_NEST_LIMIT) != 0 ||
	    pcre2_set_max_pattern_length(context, PATTERN_MAX) != 0) {
		pcre2_compile_context_free(context);
		return NULL;
	}
	return context;
}

int sch_regex_compile(pcre2_code **out, const char *pattern)
{
	const uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
	                         PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX |
	                         PCRE2_ALLOW_EMPTY_CLASS;
	cw_buf text = CW_BUF_INIT(PATTERN_MAX * 4);
	pcre2_compile_context *context = NULL;
	PCRE2_UCHAR message[160];
	PCRE2_SIZE offset = 0;
	int code = 0, err = 0;

	*out = NULL;
	if ((err = translate(&text, pattern)) < 0)
		goto out;
	if (!(context = compile_context())) {
		err = CW_ENOMEM;
		goto out;
	}
	*out = pcre2_compile((PCRE2_SPTR)cw_buf_cstr(&text), text.len, options,
	                     &code, &offset, context);
	if (!*out) {
		if (pcre2_get_error_message(code, message, sizeof(message)) < 0)
			message[0] = '\0';
		cw_error_set("invalid regular expression \"%.200s\": %s",
		             pattern, (const char *)message);
		err = code == PCRE2_ERROR_HEAPLIMIT ? CW_ENOMEM : CW_EINVAL;
	}
out:
	pcre2_compile_context_free(context);
	cw_buf_dispose(&text);
	return err;
}

int sch_regex_search(const pcre2_code *regex, pcre2_match_context *context,
                     const char *subject, size_t len)
{
	pcre2_match_data *data =
	        pcre2_match_data_create_from_pattern(regex, NULL);
	int rc;

	if (!data)
		return CW_ENOMEM;
	rc = pcre2_match(regex, (PCRE2_SPTR)subject, len, 0, 0, data, context);
	pcre2_match_data_free(data);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT)
		return CW_ETOOBIG;
	if (rc == PCRE2_ERROR_NOMEMORY)
		return CW_ENOMEM;
	return 0;
}
