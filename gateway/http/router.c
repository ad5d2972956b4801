/* Segment-by-segment matcher over the declarative route table. */
#include "http/router.h"

#include "util/error.h"

#include <stdio.h>
#include <string.h>

/* Length of the segment starting at s (up to '/' or the end). */
static size_t segment_len(const char *s)
{
	const char *slash = strchr(s, '/');

	return slash ? (size_t)(slash - s) : strlen(s);
}

/*
 * Matches path against pattern. Returns the number of literal segments that
 * matched (a specificity score) or -1 on mismatch.
 */
static int match_pattern(const char *pattern, const char *path,
                         cw_route_match *out)
{
	int literals = 0;

	out->param_count = 0;
	if (*pattern != '/' || *path != '/')
		return -1;
	while (*pattern == '/' && *path == '/') {
		size_t plen, slen;

		pattern++;
		path++;
		plen = segment_len(pattern);
		slen = segment_len(path);
		if (plen > 2 && pattern[0] == '{' && pattern[plen - 1] == '}') {
			cw_route_param *p;

			if (slen == 0 ||
			    out->param_count >= CW_ROUTE_MAX_PARAMS)
				return -1;
			p = &out->params[out->param_count++];
			p->name = pattern + 1;
			p->name_len = plen - 2;
			p->value = path;
			p->value_len = slen;
		} else if (plen != slen || memcmp(pattern, path, plen) != 0) {
			return -1;
		} else {
			literals++;
		}
		pattern += plen;
		path += slen;
	}
	return *pattern == '\0' && *path == '\0' ? literals : -1;
}

static void add_allowed(cw_route_match *out, const char *method)
{
	size_t used = strlen(out->allow);

	if (strstr(out->allow, method))
		return;
	snprintf(out->allow + used, sizeof(out->allow) - used, "%s%s",
	         used ? ", " : "", method);
}

int cw_router_match(cw_route_match *out, const cw_route *table, size_t count,
                    const char *method, const char *path)
{
	const char *wanted = strcmp(method, "HEAD") == 0 ? "GET" : method;
	cw_route_match trial;
	int best = -1, path_seen = 0;

	out->index = -1;
	out->param_count = 0;
	out->allow[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		int score = match_pattern(table[i].pattern, path, &trial);

		if (score < 0)
			continue;
		path_seen = 1;
		if (strcmp(table[i].method, wanted) != 0 || score <= best)
			continue;
		best = score;
		trial.index = (int)i;
		trial.allow[0] = '\0';
		*out = trial;
	}
	if (best >= 0)
		return CW_ROUTE_FOUND;
	if (!path_seen)
		return CW_ROUTE_NOT_FOUND;
	/* Only a 405 needs the Allow list: build it on that path alone. */
	for (size_t i = 0; i < count; i++) {
		if (match_pattern(table[i].pattern, path, &trial) < 0)
			continue;
		add_allowed(out, table[i].method);
		if (strcmp(table[i].method, "GET") == 0)
			add_allowed(out, "HEAD");
	}
	out->index = -1;
	return CW_ROUTE_BAD_METHOD;
}

int cw_router_check_table(const cw_route *table, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const char *p = table[i].pattern;
		int params = 0, open = 0;

		if (!p || p[0] != '/' || !table[i].handler ||
		    !table[i].method) {
			cw_error_set("route %zu: malformed", i);
			return CW_EINVAL;
		}
		for (; *p; p++) {
			if (*p == '{') {
				if (open || p[-1] != '/') {
					cw_error_set("route %s: bad '{'",
					             table[i].pattern);
					return CW_EINVAL;
				}
				open = 1;
				params++;
			} else if (*p == '}') {
				if (!open || (p[1] && p[1] != '/')) {
					cw_error_set("route %s: bad '}'",
					             table[i].pattern);
					return CW_EINVAL;
				}
				open = 0;
			}
		}
		if (open || params > CW_ROUTE_MAX_PARAMS) {
			cw_error_set("route %s: bad parameters",
			             table[i].pattern);
			return CW_EINVAL;
		}
	}
	return 0;
}
