/* Capped buffer: every append checks the cap before it grows. */
#include "util/buf.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int grow(cw_buf *buf, size_t extra)
{
	size_t need, alloc;
	char *data;

	if (buf->error)
		return buf->error;
	if (extra > buf->max || buf->len > buf->max - extra) {
		buf->error = CW_ETOOBIG;
		return buf->error;
	}
	need = buf->len + extra + 1;
	if (need <= buf->alloc)
		return 0;
	alloc = buf->alloc ? buf->alloc : 64;
	while (alloc < need)
		alloc = alloc > ((size_t)-1) / 2 ? need : alloc * 2;
	data = cw_realloc(buf->data, alloc);
	if (!data) {
		buf->error = CW_ENOMEM;
		return buf->error;
	}
	buf->data = data;
	buf->alloc = alloc;
	return 0;
}

int cw_buf_put(cw_buf *buf, const void *data, size_t len)
{
	int err = grow(buf, len);

	if (err < 0)
		return err;
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	return 0;
}

int cw_buf_puts(cw_buf *buf, const char *s)
{
	return cw_buf_put(buf, s, strlen(s));
}

int cw_buf_putc(cw_buf *buf, char c)
{
	/* The common case, room and no error, without the general path:
	 * writers put single bytes between every value. */
	if (!buf->error && buf->len + 2 <= buf->alloc && buf->len < buf->max) {
		buf->data[buf->len++] = c;
		buf->data[buf->len] = '\0';
		return 0;
	}
	return cw_buf_put(buf, &c, 1);
}

int cw_buf_printf(cw_buf *buf, const char *fmt, ...)
{
	va_list ap, copy;
	int n, err;

	if (buf->error)
		return buf->error;
	va_start(ap, fmt);
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		va_end(ap);
		buf->error = CW_ENOMEM;
		return buf->error;
	}
	err = grow(buf, (size_t)n);
	if (err == 0) {
		vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
		buf->len += (size_t)n;
	}
	va_end(ap);
	return err;
}

int cw_buf_put_json_string(cw_buf *buf, const char *s)
{
	return cw_buf_put_json_bytes(buf, s, strlen(s));
}

int cw_buf_put_json_bytes(cw_buf *buf, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p, *end = p + len;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	for (; p < end; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		cw_buf_put(buf, run, (size_t)(p - run));
		if (*p == '"' || *p == '\\') {
			char pair[2] = { '\\', (char)*p };
			cw_buf_put(buf, pair, 2);
		} else if (*p == '\n') {
			cw_buf_put(buf, "\\n", 2);
		} else {
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			cw_buf_put(buf, esc, 6);
		}
		run = p + 1;
	}
	return cw_buf_put(buf, run, (size_t)(p - run));
}

const char *cw_buf_cstr(const cw_buf *buf)
{
	return buf->data ? buf->data : "";
}

char *cw_buf_detach(cw_buf *buf, size_t *len_out)
{
	char *data = buf->data;

	if (!data)
		data = cw_strdup("");
	if (len_out)
		*len_out = buf->len;
	buf->data = NULL;
	buf->len = buf->alloc = 0;
	return data;
}

void cw_buf_clear(cw_buf *buf)
{
	buf->len = 0;
	buf->error = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

void cw_buf_dispose(cw_buf *buf)
{
	cw_free(buf->data);
	buf->data = NULL;
	buf->len = buf->alloc = 0;
	buf->error = 0;
}
