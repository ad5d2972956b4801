/* A growable byte buffer with a hard cap and a sticky failure flag. */
#ifndef CW_UTIL_BUF_H
#define CW_UTIL_BUF_H

#include <stddef.h>

typedef struct {
	char *data; /* always NUL-terminated once anything was added */
	size_t len;
	size_t alloc;
	size_t max; /* hard cap on len */
	int error;  /* 0, CW_ENOMEM or CW_ETOOBIG; sticky */
} cw_buf;

#define CW_BUF_INIT(max_bytes)                                                 \
	{                                                                      \
		NULL, 0, 0, (max_bytes), 0                                     \
	}

/* Each append returns 0 or the (sticky) error; after an error nothing is added.
 */
int cw_buf_put(cw_buf *buf, const void *data, size_t len);
int cw_buf_puts(cw_buf *buf, const char *s);
int cw_buf_putc(cw_buf *buf, char c);
int cw_buf_printf(cw_buf *buf, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/** Appends s as the inside of a JSON string (quotes not included). */
int cw_buf_put_json_string(cw_buf *buf, const char *s);
/** The same for len bytes of s (NUL bytes escaped too). */
int cw_buf_put_json_bytes(cw_buf *buf, const char *s, size_t len);

/** The contents as a C string ("" when empty); valid until the next append. */
const char *cw_buf_cstr(const cw_buf *buf);

/** Hands the bytes to the caller (cw_free them); the buffer is emptied. */
char *cw_buf_detach(cw_buf *buf, size_t *len_out);

void cw_buf_clear(cw_buf *buf);
void cw_buf_dispose(cw_buf *buf);

#endif
