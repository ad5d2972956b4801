/* Structured logs: one JSON object per line on stderr. */
#ifndef CW_UTIL_LOG_H
#define CW_UTIL_LOG_H

typedef enum {
	CW_LOG_DEBUG = 0,
	CW_LOG_INFO = 1,
	CW_LOG_WARN = 2,
	CW_LOG_ERROR = 3,
	CW_LOG_OFF = 4
} cw_log_level;

extern volatile int cw_log_threshold;

void cw_log_set_level(cw_log_level level);
/** Parses "debug", "info", "warn", "error" or "off"; -1 when unknown. */
int cw_log_level_parse(const char *name);

/*
 * Fields come as pairs after the event name, ended by NULL: a key whose first
 * two characters name the type ("s:" string, "i:" int, "l:" long long,
 * "d:" double), then the value. A NULL string value is left out.
 *   CW_LOG(CW_LOG_INFO, "request", "s:method", m, "i:status", 200, NULL);
 */
void cw_log_emit(cw_log_level level, const char *event, ...);

#define CW_LOG(level, ...)                                                     \
	do {                                                                   \
		if ((int)(level) >= cw_log_threshold)                          \
			cw_log_emit((level), __VA_ARGS__);                     \
	} while (0)

#endif
