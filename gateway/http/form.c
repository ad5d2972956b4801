/* Form bodies are split on '&' then '=', and each side percent-decoded. */
#include "http/form.h"

#include "util/alloc.h"
#include "util/encode.h"
#include "util/error.h"

#include <string.h>

static int add_pair(cw_form *form, const char *pair, size_t len)
{
	const char *eq = memchr(pair, '=', len);
	size_t name_len = eq ? (size_t)(eq - pair) : len;
	char *name = NULL, *value = NULL;
	int err;

	if (len == 0)
		return 0; /* "a=1&&b=2" */
	if (form->count >= CW_FORM_MAX_FIELDS) {
		cw_error_set("more than %d form fields", CW_FORM_MAX_FIELDS);
		return CW_EINVAL;
	}
	if ((err = cw_form_decode(&name, pair, name_len)) < 0 ||
	    (err = cw_form_decode(&value, eq ? eq + 1 : "",
	                          eq ? len - name_len - 1 : 0)) < 0) {
		if (err == CW_EINVAL)
			cw_error_set("bad %%-escape in form field \"%.*s\"",
			             (int)(name_len > 64 ? 64 : name_len),
			             pair);
		goto fail;
	}
	if (cw_form_get(form, name)) {
		cw_error_set("form field \"%.64s\" given more than once", name);
		err = CW_EINVAL;
		goto fail;
	}
	form->names[form->count] = name;
	form->values[form->count] = value;
	form->count++;
	return 0;
fail:
	cw_free(name);
	cw_free(value);
	return err;
}

int cw_form_parse(cw_form *out, const char *body, size_t len)
{
	const char *p = body, *end = body + len;
	int err = 0;

	memset(out, 0, sizeof(*out));
	while (p <= end && err == 0) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;

		err = add_pair(out, p, (size_t)(stop - p));
		if (!amp)
			break;
		p = amp + 1;
	}
	if (err < 0)
		cw_form_dispose(out);
	return err;
}

const char *cw_form_get(const cw_form *form, const char *name)
{
	for (size_t i = 0; i < form->count; i++)
		if (strcmp(form->names[i], name) == 0)
			return form->values[i];
	return NULL;
}

void cw_form_dispose(cw_form *form)
{
	for (size_t i = 0; i < form->count; i++) {
		cw_free(form->names[i]);
		cw_free(form->values[i]);
	}
	memset(form, 0, sizeof(*form));
}
