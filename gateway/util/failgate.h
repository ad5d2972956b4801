/* Failed authentications per identity (a client id, a holder's login),
 * counted in a fixed window, so that guessing is cut off after a few
 * tries. In memory, per process: safe to lose and to rebuild, and each node
 * of a cluster counts its own (an attacker gets nodes × limit tries). A
 * fixed table; a new identity takes the slot of the stalest one. Thread
 * safe. */
#ifndef CW_UTIL_FAILGATE_H
#define CW_UTIL_FAILGATE_H

#include <stdint.h>

typedef struct cw_failgate cw_failgate;

/** limit failures per window_s seconds; limit 0: never blocks. */
int cw_failgate_new(cw_failgate **out, int limit, int window_s);
void cw_failgate_free(cw_failgate *gate);

/**
 * 0 when key may try now; else the seconds until it may (at least 1). A
 * NULL gate never blocks. now_ms: monotonic milliseconds.
 */
int cw_failgate_wait_s(cw_failgate *gate, const char *key, int64_t now_ms);
/** Counts a failure of key. */
void cw_failgate_fail(cw_failgate *gate, const char *key, int64_t now_ms);
/** A success: key's count starts again. */
void cw_failgate_clear(cw_failgate *gate, const char *key);

#endif
