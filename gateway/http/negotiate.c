/* Accept header parsing for content negotiation: media ranges with their
 * q values, matched against what a resource offers. */
#include "http/negotiate.h"

#include <string.h>
#include <strings.h>

#define RANGE_MAX 128 /* bytes of one media range */

typedef struct {
	char type[RANGE_MAX], subtype[RANGE_MAX];
	int q; /* thousandths */
} range;

static int is_token(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static size_t skip_ows(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t token(char out[RANGE_MAX], const char *s, size_t i, size_t n)
{
	size_t start = i;

	while (i < n && is_token(s[i]))
		i++;
	if (i - start == 0 || i - start >= RANGE_MAX) {
		out[0] = '\0';
		return start;
	}
	memcpy(out, s + start, i - start);
	out[i - start] = '\0';
	return i;
}

/* "q=0.5" → 500; -1 when not a qvalue. */
static int qvalue(const char *s, size_t n)
{
	int q, digits = 0;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	for (size_t i = 2; i < n; i++, digits++) {
		if (s[i] < '0' || s[i] > '9' || (q == 1000 && s[i] != '0'))
			return -1;
		q += (s[i] - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
	}
	return q;
}

/* Parameters after a range: only q matters; 0 when well formed. */
static int parameters(range *r, const char *s, size_t i, size_t n)
{
	r->q = 1000;
	while ((i = skip_ows(s, i, n)) < n) {
		char name[RANGE_MAX];
		size_t start;

		if (s[i] != ';')
			return -1;
		i = skip_ows(s, i + 1, n);
		start = i;
		i = token(name, s, i, n);
		if (i == start || i >= n || s[i] != '=')
			return -1;
		start = ++i;
		if (i < n && s[i] == '"') {
			while (++i < n && s[i] != '"')
				if (s[i] == '\\')
					i++;
			if (i++ >= n)
				return -1;
		} else {
			while (i < n && is_token(s[i]))
				i++;
		}
		if (strcasecmp(name, "q") == 0 &&
		    (r->q = qvalue(s + start, i - start)) < 0)
			return -1;
	}
	return 0;
}

/* One element of the list (s[0..n)); 0 when it is a media range. */
static int parse_range(range *r, const char *s, size_t n)
{
	size_t i = skip_ows(s, 0, n), j;

	if ((j = token(r->type, s, i, n)) == i || j >= n || s[j] != '/')
		return -1;
	i = j + 1;
	if ((j = token(r->subtype, s, i, n)) == i)
		return -1;
	if (strcmp(r->type, "*") == 0 && strcmp(r->subtype, "*") != 0)
		return -1;
	return parameters(r, s, j, n);
}

/* How specifically r names offer: 3 exact, 2 type/ *, 1 * / *, 0 not. */
static int specificity(const range *r, const char *offer)
{
	const char *slash = strchr(offer, '/');
	size_t type_len = slash ? (size_t)(slash - offer) : strlen(offer);

	if (strcmp(r->type, "*") == 0)
		return 1;
	if (strlen(r->type) != type_len ||
	    strncasecmp(r->type, offer, type_len) != 0)
		return 0;
	if (strcmp(r->subtype, "*") == 0)
		return 2;
	return slash && strcasecmp(r->subtype, slash + 1) == 0 ? 3 : 0;
}

int cw_negotiate(const char *accept, size_t len, const char *const *offers,
                 size_t count)
{
	int best = -1, best_q = 0, q[16], spec[16];
	size_t i = 0, seen = 0;

	if (!accept || count == 0)
		return 0;
	if (count > 16)
		count = 16;
	if (len > CW_NEGOTIATE_HEADER_MAX)
		len = CW_NEGOTIATE_HEADER_MAX;
	for (size_t k = 0; k < count; k++)
		q[k] = -1, spec[k] = 0;
	while (i < len) {
		const char *start = accept + i, *comma;
		size_t n;
		range r;

		comma = memchr(start, ',', len - i);
		n = comma ? (size_t)(comma - start) : len - i;
		i += n + 1;
		if (skip_ows(start, 0, n) == n)
			continue; /* an empty element */
		seen++;
		if (parse_range(&r, start, n) < 0)
			continue;
		for (size_t k = 0; k < count; k++) {
			int s = specificity(&r, offers[k]);

			if (s > spec[k]) {
				spec[k] = s;
				q[k] = r.q;
			}
		}
	}
	if (!seen)
		return 0;
	for (size_t k = 0; k < count; k++)
		if (q[k] > best_q) {
			best_q = q[k];
			best = (int)k;
		}
	return best;
}
