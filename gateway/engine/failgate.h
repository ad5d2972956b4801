/* Failed authentications per identity (a client id, a holder's login),
 * counted in a fixed window, so that guessing is cut off after a few
 * tries. The counts live in the store (migration 0014), not in a node's
 * memory: every node of a cluster sees the same ones, so limit tries per
 * window is the limit in all, whichever nodes the tries reach. Identities
 * are kept as their SHA-256, never as the login itself. */
#ifndef CW_ENGINE_FAILGATE_H
#define CW_ENGINE_FAILGATE_H

#include "store/store.h"
#include "util/hash.h"

#include <stdint.h>

typedef struct cw_failgate cw_failgate;

/** One authentication attempt, from its check to its outcome. */
typedef struct {
	const char *kind;                /* "client", "holder" */
	char key[2 * CW_SHA256_LEN + 1]; /* SHA-256 of the identity */
	int gated;                       /* 0: the gate counts nothing */
	int held; /* failures of it are recorded: a success clears them */
} cw_failgate_attempt;

/** limit failures per window_s seconds, counted in store (borrowed);
 *  limit 0: never blocks and never touches the store. */
int cw_failgate_new(cw_failgate **out, cw_store *store, int limit,
                    int window_s);
void cw_failgate_free(cw_failgate *gate);

/**
 * Before who's secret is compared: *wait_s 0 when it may try now, else the
 * seconds until it may (at least 1). One read of the store. A store error
 * is returned (and logged): the secret must not be compared then, since
 * the gate cannot tell it is not blocked. A NULL gate never blocks.
 * now_ms: wall-clock milliseconds (cw_time_now_ms; nodes share no
 * monotonic clock).
 */
int cw_failgate_check(cw_failgate *gate, cw_failgate_attempt *attempt,
                      const char *kind, const char *who, int64_t now_ms,
                      int *wait_s);
/**
 * The attempt's outcome: a failure is counted (one write), a success
 * clears the failures before it (one write, only when there were any).
 * Store errors are logged and returned.
 */
int cw_failgate_outcome(cw_failgate *gate, const cw_failgate_attempt *attempt,
                        int failed, int64_t now_ms);
/** Housekeeping: forgets identities whose window and block ended;
 *  *purged counts them. */
int cw_failgate_purge(cw_failgate *gate, int64_t now_ms, int *purged);

#endif
