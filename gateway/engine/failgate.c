/* Failed-authentication counters kept in the store. When the store fails,
 * the gate fails closed: a check it cannot make is an error, so no secret
 * is compared while the gate cannot tell that its identity is not blocked
 * (the credentials are in the same store, so an honest client loses
 * nothing it would otherwise have had). A failure it cannot count is an
 * error too, answered as one (5xx, logged, counted as a store error)
 * rather than as a plain 401, so that an attacker's uncounted tries show. */
#include "engine/failgate.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"

#include <string.h>

struct cw_failgate {
	cw_store *store;
	int limit;
	int64_t window_ms;
};

int cw_failgate_new(cw_failgate **out, cw_store *store, int limit, int window_s)
{
	cw_failgate *g = cw_calloc(1, sizeof(*g));

	*out = NULL;
	if (!g)
		return CW_ENOMEM;
	g->store = store;
	g->limit = limit > 0 ? limit : 0;
	g->window_ms = (int64_t)(window_s > 0 ? window_s : 1) * 1000;
	*out = g;
	return 0;
}

void cw_failgate_free(cw_failgate *g)
{
	cw_free(g);
}

static void log_failure(const char *step, const char *kind, int err)
{
	CW_LOG(CW_LOG_WARN, "auth_gate_failed", "s:step", step, "s:kind", kind,
	       "s:code", cw_error_name(err), "s:message", cw_error_last(),
	       NULL);
}

int cw_failgate_check(cw_failgate *g, cw_failgate_attempt *attempt,
                      const char *kind, const char *who, int64_t now_ms,
                      int *wait_s)
{
	int64_t until = 0;
	int err;

	memset(attempt, 0, sizeof(*attempt));
	attempt->kind = kind;
	*wait_s = 0;
	if (!g || g->limit == 0)
		return 0;
	if (!who)
		who = "";
	if ((err = cw_sha256_hex(attempt->key, who, strlen(who))) < 0)
		return err;
	attempt->gated = 1;
	err = cw_store_auth_fail_get(g->store, kind, attempt->key, &until,
	                             &attempt->held);
	if (err < 0) {
		log_failure("check", kind, err);
		return err;
	}
	if (until > now_ms)
		*wait_s = (int)((until - now_ms + 999) / 1000);
	return 0;
}

int cw_failgate_outcome(cw_failgate *g, const cw_failgate_attempt *attempt,
                        int failed, int64_t now_ms)
{
	int64_t until = 0;
	int err = 0;

	if (!g || !attempt->gated)
		return 0;
	if (failed) {
		err = cw_store_auth_fail_count(g->store, attempt->kind,
		                               attempt->key, now_ms, g->limit,
		                               g->window_ms, &until);
		if (err == 0 && until > now_ms)
			CW_LOG(CW_LOG_WARN, "auth_blocked", "s:kind",
			       attempt->kind, "l:until_ms", (long long)until,
			       NULL);
	} else if (attempt->held) {
		err = cw_store_auth_fail_clear(g->store, attempt->kind,
		                               attempt->key);
	}
	if (err < 0)
		log_failure(failed ? "count" : "clear", attempt->kind, err);
	return err;
}

int cw_failgate_purge(cw_failgate *g, int64_t now_ms, int *purged)
{
	if (purged)
		*purged = 0;
	if (!g || g->limit == 0)
		return 0;
	return cw_store_auth_fail_purge(g->store, now_ms, g->window_ms, purged);
}
