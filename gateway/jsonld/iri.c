/* IRI reference resolution (RFC 3986 §5.2) for JSON-LD base IRIs. */
#include "jsonld/expand_int.h"

#include <string.h>

typedef struct {
	const char *s;
	size_t len;
	int defined;
} part;

typedef struct {
	part scheme, authority, path, query, fragment;
} iri_parts;

static int is_scheme_char(char c, int first)
{
	int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	if (first)
		return alpha;
	return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
	       c == '.';
}

static void split(iri_parts *p, const char *s)
{
	memset(p, 0, sizeof(*p));
	size_t i = 0;
	while (s[i] && is_scheme_char(s[i], i == 0))
		i++;
	if (i > 0 && s[i] == ':') {
		p->scheme = (part){ s, i, 1 };
		s += i + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		size_t n = strcspn(s + 2, "/?#");
		p->authority = (part){ s + 2, n, 1 };
		s += 2 + n;
	}
	size_t n = strcspn(s, "?#");
	p->path = (part){ s, n, 1 };
	s += n;
	if (*s == '?') {
		n = strcspn(s + 1, "#");
		p->query = (part){ s + 1, n, 1 };
		s += 1 + n;
	}
	if (*s == '#')
		p->fragment = (part){ s + 1, strlen(s + 1), 1 };
}

/* RFC 3986 §5.2.4 over in[0..len) into out (at least len + 1 bytes). */
static size_t remove_dots(char *out, const char *in, size_t len)
{
	size_t o = 0, i = 0;
	while (i < len) {
		const char *r = in + i;
		size_t left = len - i;
		if (left >= 3 && memcmp(r, "../", 3) == 0) {
			i += 3;
		} else if (left >= 2 && memcmp(r, "./", 2) == 0) {
			i += 2;
		} else if (left >= 3 && memcmp(r, "/./", 3) == 0) {
			i += 2;
		} else if (left == 2 && memcmp(r, "/.", 2) == 0) {
			i += 1;
			in = "/";
			i = 0;
			len = 1;
		} else if ((left >= 4 && memcmp(r, "/../", 4) == 0) ||
		           (left == 3 && memcmp(r, "/..", 3) == 0)) {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (left == 3) {
				in = "/";
				i = 0;
				len = 1;
			} else {
				i += 3;
			}
		} else if ((left == 1 && r[0] == '.') ||
		           (left == 2 && memcmp(r, "..", 2) == 0)) {
			i = len;
		} else {
			size_t n = 1;
			while (n < left && r[n] != '/')
				n++;
			if (r[0] != '/') {
				n = 0;
				while (n < left && r[n] != '/')
					n++;
			}
			memcpy(out + o, r, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return o;
}

typedef struct {
	char *s;
	size_t len;
} out_buf;

static void put(out_buf *b, const char *s, size_t n)
{
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

static void put_dotless(out_buf *b, jl_arena *arena, const char *s, size_t n)
{
	char *tmp = jl_alloc(arena, n + 2);
	if (!tmp)
		return;
	size_t m = remove_dots(tmp, s, n);
	put(b, tmp, m);
}

/* The merged path of §5.2.3 in the arena. */
static const char *merge(jl_arena *arena, const iri_parts *base,
                         const part *rel, size_t *len)
{
	char *m = jl_alloc(arena, base->path.len + rel->len + 2);
	if (!m)
		return NULL;
	size_t n = 0;
	if (base->authority.defined && base->path.len == 0) {
		m[n++] = '/';
	} else {
		size_t cut = base->path.len;
		while (cut > 0 && base->path.s[cut - 1] != '/')
			cut--;
		memcpy(m, base->path.s, cut);
		n = cut;
	}
	memcpy(m + n, rel->s, rel->len);
	n += rel->len;
	m[n] = '\0';
	*len = n;
	return m;
}

static void put_path(out_buf *b, jl_arena *arena, const iri_parts *base,
                     const iri_parts *ref)
{
	if (ref->path.len == 0) {
		put(b, base->path.s, base->path.len);
	} else if (ref->path.s[0] == '/') {
		put_dotless(b, arena, ref->path.s, ref->path.len);
	} else {
		size_t len = 0;
		const char *m = merge(arena, base, &ref->path, &len);
		if (m)
			put_dotless(b, arena, m, len);
	}
}

const char *jl_resolve(jl_arena *arena, const char *base, const char *ref)
{
	if (!base || !*base)
		return ref;
	iri_parts b, r;
	split(&b, base);
	split(&r, ref);
	if (!b.scheme.defined)
		return ref;
	out_buf o = { jl_alloc(arena, strlen(base) + strlen(ref) + 8), 0 };
	if (!o.s)
		return NULL;
	const iri_parts *auth = r.scheme.defined ? &r : &b;
	put(&o, auth->scheme.s, auth->scheme.len);
	put(&o, ":", 1);
	if (r.scheme.defined || r.authority.defined) {
		if (r.authority.defined) {
			put(&o, "//", 2);
			put(&o, r.authority.s, r.authority.len);
		}
		put_dotless(&o, arena, r.path.s, r.path.len);
	} else {
		if (b.authority.defined) {
			put(&o, "//", 2);
			put(&o, b.authority.s, b.authority.len);
		}
		put_path(&o, arena, &b, &r);
	}
	const part *q = (r.scheme.defined || r.authority.defined ||
	                 r.path.len || r.query.defined)
	                        ? &r.query
	                        : &b.query;
	if (q->defined) {
		put(&o, "?", 1);
		put(&o, q->s, q->len);
	}
	if (r.fragment.defined) {
		put(&o, "#", 1);
		put(&o, r.fragment.s, r.fragment.len);
	}
	o.s[o.len] = '\0';
	return o.s;
}
