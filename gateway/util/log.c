/* JSON-lines logger: each event is formatted into one buffer and written with
 * one write(2), so lines from several threads never interleave. */
#include "util/log.h"

#include "util/buf.h"
#include "util/limits.h"
#include "util/timeutil.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

volatile int cw_log_threshold = CW_LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error",
	                                   "off" };

void cw_log_set_level(cw_log_level level)
{
	cw_log_threshold = (int)level;
}

int cw_log_level_parse(const char *name)
{
	for (int i = 0; i <= CW_LOG_OFF; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

static void put_field(cw_buf *line, const char *key, va_list *ap)
{
	const char *s;

	if (strlen(key) < 3 || key[1] != ':') {
		(void)va_arg(*ap, void *);
		return;
	}
	if (key[0] == 's') {
		s = va_arg(*ap, const char *);
		if (!s)
			return;
		cw_buf_printf(line, ",\"%s\":\"", key + 2);
		cw_buf_put_json_string(line, s);
		cw_buf_putc(line, '"');
	} else if (key[0] == 'i') {
		cw_buf_printf(line, ",\"%s\":%d", key + 2, va_arg(*ap, int));
	} else if (key[0] == 'l') {
		cw_buf_printf(line, ",\"%s\":%lld", key + 2,
		              va_arg(*ap, long long));
	} else if (key[0] == 'd') {
		cw_buf_printf(line, ",\"%s\":%.3f", key + 2,
		              va_arg(*ap, double));
	}
}

void cw_log_emit(cw_log_level level, const char *event, ...)
{
	char stamp[CW_TIME_ISO_LEN];
	char fallback[] =
	        "{\"level\":\"error\",\"event\":\"log_line_too_long\"}\n";
	cw_buf line = CW_BUF_INIT(CW_LIMIT_LOG_LINE);
	const char *key;
	va_list ap;
	ssize_t n;

	if ((int)level < cw_log_threshold || level >= CW_LOG_OFF)
		return;
	cw_time_format_iso(cw_time_now_ms(), stamp);
	cw_buf_printf(&line, "{\"time\":\"%s\",\"level\":\"%s\",\"event\":\"",
	              stamp, level_names[level]);
	cw_buf_put_json_string(&line, event);
	cw_buf_putc(&line, '"');
	va_start(ap, event);
	while ((key = va_arg(ap, const char *)) != NULL)
		put_field(&line, key, &ap);
	va_end(ap);
	cw_buf_puts(&line, "}\n");
	if (line.error)
		n = write(STDERR_FILENO, fallback, sizeof(fallback) - 1);
	else
		n = write(STDERR_FILENO, line.data, line.len);
	(void)n; /* nowhere left to report a failed log write */
	cw_buf_dispose(&line);
}
