/* The N-Quads reader (W3C RDF 1.1 N-Quads grammar) and the canonical
 * N-Quads writer of RDFC-1.0. */
#include "jsonld/nquads.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/limits.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	const char *p, *end, *line_start;
	size_t line;
	cw_nquads_error *where;
	cw_buf text; /* the token being unescaped */
} scanner;

static size_t column_of(const char *line_start, const char *at)
{
	size_t column = 1;

	for (const char *c = line_start; c < at; c++)
		if (((unsigned char)*c & 0xC0) != 0x80)
			column++;
	return column;
}

static int fail(scanner *sc, const char *at, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(scanner *sc, const char *at, const char *fmt, ...)
{
	cw_nquads_error local, *w = sc->where ? sc->where : &local;
	va_list ap;

	w->line = sc->line;
	w->column = column_of(sc->line_start, at);
	va_start(ap, fmt);
	if (vsnprintf(w->message, sizeof(w->message), fmt, ap) < 0)
		w->message[0] = '\0';
	va_end(ap);
	cw_error_set("%zu:%zu: %s", w->line, w->column, w->message);
	return CW_EINVAL;
}

/* Decodes one strict UTF-8 sequence (no overlongs, no surrogates);
 * returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, const unsigned char *end,
                          uint32_t *cp)
{
	size_t n, i;
	uint32_t c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, c &= 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, c &= 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

static int put_utf8(cw_buf *b, uint32_t c)
{
	char out[4];
	size_t n;

	if (c < 0x80) {
		out[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6)), n = 2;
	} else if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12)), n = 3;
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	} else {
		out[0] = (char)(0xF0 | (c >> 18)), n = 4;
		out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	}
	if (n > 1)
		out[n - 1] = (char)(0x80 | (c & 0x3F));
	return cw_buf_put(b, out, n);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* sc->p is at the 'u' or 'U' of a UCHAR. */
static int read_uchar(scanner *sc, uint32_t *cp)
{
	const char *start = sc->p - 1;
	size_t digits = *sc->p == 'u' ? 4 : 8;
	uint32_t c = 0;

	sc->p++;
	if ((size_t)(sc->end - sc->p) < digits)
		return fail(sc, start, "truncated \\%c escape", start[1]);
	for (size_t i = 0; i < digits; i++) {
		int v = hex_value(sc->p[i]);

		if (v < 0)
			return fail(sc, start, "bad hex digit in \\%c escape",
			            start[1]);
		c = (c << 4) | (uint32_t)v;
	}
	if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return fail(sc, start,
		            "escape \\%c is not a Unicode scalar "
		            "value",
		            start[1]);
	sc->p += digits;
	*cp = c;
	return 0;
}

/* One code point of raw input at sc->p. */
static int read_raw(scanner *sc, uint32_t *cp)
{
	size_t n = utf8_decode((const unsigned char *)sc->p,
	                       (const unsigned char *)sc->end, cp);

	if (!n)
		return fail(sc, sc->p, "invalid UTF-8");
	sc->p += n;
	return 0;
}

static int iri_forbidden(uint32_t c)
{
	return c <= 0x20 || (c < 0x80 && strchr("<>\"{}|^`\\", (int)c));
}

static int has_scheme(const char *s)
{
	const char *c = s;

	if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
		return 0;
	while (*++c && *c != ':')
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '+' || *c == '-' ||
		      *c == '.'))
			return 0;
	return *c == ':';
}

/* IRIREF at sc->p ('<'); the unescaped IRI goes to sc->text. */
static int read_iri_text(scanner *sc)
{
	const char *start = sc->p++;
	uint32_t c;
	int err;

	cw_buf_clear(&sc->text);
	for (;;) {
		const char *at = sc->p;

		if (sc->p >= sc->end)
			return fail(sc, start, "unterminated IRI");
		if (*sc->p == '>')
			break;
		if (*sc->p == '\\') {
			sc->p++;
			if (sc->p >= sc->end ||
			    (*sc->p != 'u' && *sc->p != 'U'))
				return fail(sc, at,
				            "bad escape in an IRI "
				            "(only \\u and \\U)");
			err = read_uchar(sc, &c);
		} else {
			err = read_raw(sc, &c);
		}
		if (err < 0)
			return err;
		if (iri_forbidden(c))
			return fail(sc, at,
			            "character U+%04X not allowed in "
			            "an IRI",
			            (unsigned)c);
		if ((err = put_utf8(&sc->text, c)) < 0)
			return err;
	}
	sc->p++;
	if (!has_scheme(cw_buf_cstr(&sc->text)))
		return fail(sc, start,
		            "relative IRI <%.60s> (N-Quads needs "
		            "absolute IRIs)",
		            cw_buf_cstr(&sc->text));
	return 0;
}

static int set_value(cw_rdf_term *t, cw_rdf_kind kind, const cw_buf *b)
{
	t->kind = kind;
	t->len = b->len;
	t->value = cw_malloc(b->len + 1);
	if (!t->value)
		return CW_ENOMEM;
	if (b->len)
		memcpy(t->value, b->data, b->len);
	t->value[b->len] = '\0';
	return 0;
}

static int read_iri(scanner *sc, cw_rdf_term *t)
{
	int err = read_iri_text(sc);

	return err < 0 ? err : set_value(t, CW_RDF_IRI, &sc->text);
}

static int is_pn_chars_base(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
	       (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
	       (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
	       (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) ||
	       (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
	       (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

static int is_pn_chars(uint32_t c)
{
	return is_pn_chars_base(c) || c == '_' || c == ':' || c == '-' ||
	       (c >= '0' && c <= '9') || c == 0xB7 ||
	       (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

/* BLANK_NODE_LABEL at sc->p ('_'). */
static int read_blank(scanner *sc, cw_rdf_term *t)
{
	const char *start = sc->p, *label, *last_good;
	uint32_t c;
	size_t n;

	if (sc->end - sc->p < 3 || sc->p[1] != ':')
		return fail(sc, start, "expected a blank node label \"_:…\"");
	label = sc->p += 2;
	n = utf8_decode((const unsigned char *)sc->p,
	                (const unsigned char *)sc->end, &c);
	if (!n ||
	    !(is_pn_chars(c) && c != '-' && c != 0xB7 &&
	      !(c >= 0x300 && c <= 0x36F) && !(c >= 0x203F && c <= 0x2040)))
		return fail(sc, sc->p,
		            "bad first character of a blank node "
		            "label");
	last_good = sc->p += n;
	while (sc->p < sc->end) {
		n = utf8_decode((const unsigned char *)sc->p,
		                (const unsigned char *)sc->end, &c);
		if (!n || (c != '.' && !is_pn_chars(c)))
			break;
		sc->p += n;
		if (c != '.')
			last_good = sc->p;
	}
	sc->p = last_good; /* a label does not end with '.' */
	cw_buf_clear(&sc->text);
	if (cw_buf_put(&sc->text, label, (size_t)(last_good - label)) < 0)
		return sc->text.error;
	return set_value(t, CW_RDF_BLANK, &sc->text);
}

static int echar_value(char c)
{
	switch (c) {
	case 't': return '\t';
	case 'b': return '\b';
	case 'n': return '\n';
	case 'r': return '\r';
	case 'f': return '\f';
	case '"': return '"';
	case '\'': return '\'';
	case '\\': return '\\';
	default: return -1;
	}
}

/* One escape after a '\\' in a string literal. */
static int read_string_escape(scanner *sc, uint32_t *c)
{
	const char *at = sc->p - 1;
	int v;

	if (sc->p >= sc->end)
		return fail(sc, at, "unterminated string");
	if (*sc->p == 'u' || *sc->p == 'U')
		return read_uchar(sc, c);
	if ((v = echar_value(*sc->p)) < 0)
		return fail(sc, at, "unknown escape \\%c", *sc->p);
	sc->p++;
	*c = (uint32_t)v;
	return 0;
}

static int read_string(scanner *sc, cw_rdf_term *t)
{
	const char *start = sc->p++;
	uint32_t c;
	int err;

	cw_buf_clear(&sc->text);
	for (;;) {
		if (sc->p >= sc->end)
			return fail(sc, start, "unterminated string");
		if (*sc->p == '"')
			break;
		if (*sc->p == '\n' || *sc->p == '\r')
			return fail(sc, sc->p,
			            "line end inside a string "
			            "(write \\n or \\r)");
		if (*sc->p == '\\') {
			sc->p++;
			err = read_string_escape(sc, &c);
		} else {
			err = read_raw(sc, &c);
		}
		if (err < 0 || (err = put_utf8(&sc->text, c)) < 0)
			return err;
	}
	sc->p++;
	return set_value(t, CW_RDF_LITERAL, &sc->text);
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int read_langtag(scanner *sc, cw_rdf_term *t)
{
	const char *start = sc->p++, *tag = sc->p;

	while (sc->p < sc->end && is_alpha(*sc->p))
		sc->p++;
	if (sc->p == tag)
		return fail(sc, start, "empty language tag");
	while (sc->p < sc->end && *sc->p == '-') {
		const char *sub = ++sc->p;

		while (sc->p < sc->end &&
		       (is_alpha(*sc->p) || (*sc->p >= '0' && *sc->p <= '9')))
			sc->p++;
		if (sc->p == sub)
			return fail(sc, sub - 1, "empty language subtag");
	}
	t->language = cw_strndup(tag, (size_t)(sc->p - tag));
	return t->language ? 0 : CW_ENOMEM;
}

/* A literal's "^^<datatype>" or "@lang", if any. */
static int read_literal_suffix(scanner *sc, cw_rdf_term *t)
{
	const char *start = sc->p;
	int err;

	if (sc->p < sc->end && *sc->p == '@')
		return read_langtag(sc, t);
	if (sc->p >= sc->end || *sc->p != '^')
		return 0;
	if (sc->end - sc->p < 3 || sc->p[1] != '^' || sc->p[2] != '<')
		return fail(sc, start, "expected ^^<datatype IRI>");
	sc->p += 2;
	if ((err = read_iri_text(sc)) < 0)
		return err;
	if (strcmp(cw_buf_cstr(&sc->text), CW_XSD_STRING) == 0)
		return 0;
	t->datatype = cw_strdup(cw_buf_cstr(&sc->text));
	return t->datatype ? 0 : CW_ENOMEM;
}

static void skip_space(scanner *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t'))
		sc->p++;
}

static void free_term(cw_rdf_term *t)
{
	cw_free(t->value);
	cw_free(t->datatype);
	cw_free(t->language);
	memset(t, 0, sizeof(*t));
}

static void free_quad(cw_rdf_quad *q)
{
	free_term(&q->subject);
	free_term(&q->predicate);
	free_term(&q->object);
	free_term(&q->graph);
}

/* A term at sc->p of one of the kinds allowed (a bit per cw_rdf_kind). */
static int read_term(scanner *sc, cw_rdf_term *t, unsigned allowed,
                     const char *what)
{
	int err;

	skip_space(sc);
	if (sc->p < sc->end && *sc->p == '<' && (allowed & (1u << CW_RDF_IRI)))
		return read_iri(sc, t);
	if (sc->p < sc->end && *sc->p == '_' &&
	    (allowed & (1u << CW_RDF_BLANK)))
		return read_blank(sc, t);
	if (sc->p < sc->end && *sc->p == '"' &&
	    (allowed & (1u << CW_RDF_LITERAL))) {
		if ((err = read_string(sc, t)) < 0)
			return err;
		return read_literal_suffix(sc, t);
	}
	if (sc->p >= sc->end || *sc->p == '\n' || *sc->p == '\r')
		return fail(sc, sc->p, "expected %s before the end of the line",
		            what);
	return fail(sc, sc->p, "expected %s", what);
}

#define NODE_KINDS ((1u << CW_RDF_IRI) | (1u << CW_RDF_BLANK))

/* After the '.': spaces, a comment, then the line end or the input's. */
static int read_statement_end(scanner *sc)
{
	skip_space(sc);
	if (sc->p >= sc->end || *sc->p != '.')
		return fail(sc, sc->p, "expected '.' to end the statement");
	sc->p++;
	skip_space(sc);
	if (sc->p < sc->end && *sc->p == '#')
		while (sc->p < sc->end && *sc->p != '\n' && *sc->p != '\r')
			sc->p++;
	if (sc->p < sc->end && *sc->p != '\n' && *sc->p != '\r')
		return fail(sc, sc->p,
		            "expected the end of the line after "
		            "'.'");
	return 0;
}

static int read_statement(scanner *sc, cw_rdf_quad *q)
{
	int err;

	if ((err = read_term(sc, &q->subject, NODE_KINDS,
	                     "a subject (IRI or blank node)")) < 0 ||
	    (err = read_term(sc, &q->predicate, 1u << CW_RDF_IRI,
	                     "a predicate IRI")) < 0 ||
	    (err = read_term(sc, &q->object,
	                     NODE_KINDS | (1u << CW_RDF_LITERAL),
	                     "an object (IRI, blank node or literal)")) < 0)
		return err;
	skip_space(sc);
	if (sc->p < sc->end && (*sc->p == '<' || *sc->p == '_') &&
	    (err = read_term(sc, &q->graph, NODE_KINDS, "a graph label")) < 0)
		return err;
	return read_statement_end(sc);
}

static int dataset_push(cw_rdf_dataset *ds, cw_rdf_quad *q)
{
	if (ds->count == ds->alloc) {
		size_t alloc = ds->alloc ? ds->alloc * 2 : 64;
		cw_rdf_quad *grown =
		        cw_realloc(ds->quads, alloc * sizeof(*grown));

		if (!grown)
			return CW_ENOMEM;
		ds->quads = grown;
		ds->alloc = alloc;
	}
	ds->quads[ds->count++] = *q;
	memset(q, 0, sizeof(*q));
	return 0;
}

/* Skips blank lines, comments and line ends; 1 when a statement starts. */
static int next_statement(scanner *sc)
{
	for (;;) {
		skip_space(sc);
		if (sc->p >= sc->end)
			return 0;
		if (*sc->p == '#') {
			while (sc->p < sc->end && *sc->p != '\n' &&
			       *sc->p != '\r')
				sc->p++;
			continue;
		}
		if (*sc->p != '\n' && *sc->p != '\r')
			return 1;
		if (*sc->p == '\r' && sc->p + 1 < sc->end && sc->p[1] == '\n')
			sc->p++;
		sc->p++;
		sc->line++;
		sc->line_start = sc->p;
	}
}

static int read_all(cw_rdf_dataset *ds, scanner *sc, size_t max_quads)
{
	cw_rdf_quad q;
	int err = 0;

	memset(&q, 0, sizeof(q));
	while (next_statement(sc)) {
		if (ds->count >= max_quads) {
			cw_error_set("%zu:1: more than %zu quads", sc->line,
			             max_quads);
			err = CW_ETOOBIG;
			break;
		}
		if ((err = read_statement(sc, &q)) < 0 ||
		    (err = cw_rdf_dataset_add(ds, &q)) < 0)
			break;
		free_quad(&q);
	}
	free_quad(&q);
	if (err == 0 && sc->text.error)
		err = sc->text.error;
	return err;
}

int cw_nquads_read(cw_rdf_dataset **out, const char *buf, size_t len,
                   const cw_nquads_limits *limits, cw_nquads_error *where)
{
	size_t max_bytes = limits && limits->max_bytes ? limits->max_bytes
	                                               : CW_LIMIT_NQUADS_BYTES;
	size_t max_quads = limits && limits->max_quads ? limits->max_quads
	                                               : CW_LIMIT_NQUADS_QUADS;
	scanner sc = { buf, buf + len, buf, 1, where, CW_BUF_INIT(len + 64) };
	cw_rdf_dataset *ds = NULL;
	int err;

	*out = NULL;
	if (where)
		memset(where, 0, sizeof(*where));
	if (len > max_bytes) {
		cw_error_set("N-Quads document of %zu bytes is over the "
		             "%zu-byte limit",
		             len, max_bytes);
		return CW_ETOOBIG;
	}
	if ((err = cw_rdf_dataset_new(&ds)) < 0)
		goto out;
	if ((err = read_all(ds, &sc, max_quads)) < 0)
		goto out;
	*out = ds;
	ds = NULL;
out:
	cw_buf_dispose(&sc.text);
	cw_rdf_dataset_free(ds);
	return err;
}

int cw_rdf_dataset_new(cw_rdf_dataset **out)
{
	*out = cw_calloc(1, sizeof(**out));
	return *out ? 0 : CW_ENOMEM;
}

/* The dataset's strings live in chunks (one allocation for many terms). */
struct cw_rdf_pool {
	cw_rdf_pool *next;
	size_t used, size;
	char data[];
};

static char *pool_copy(cw_rdf_dataset *ds, const char *s, size_t len)
{
	cw_rdf_pool *p = ds->pool;
	if (!p || p->size - p->used < len + 1) {
		size_t size = len + 1 > 8192 ? len + 1 : 8192;
		if (!(p = cw_malloc(sizeof(*p) + size)))
			return NULL;
		p->next = ds->pool;
		p->used = 0;
		p->size = size;
		ds->pool = p;
	}
	char *copy = p->data + p->used;
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	p->used += len + 1;
	return copy;
}

static int copy_term(cw_rdf_dataset *ds, cw_rdf_term *to,
                     const cw_rdf_term *from)
{
	memset(to, 0, sizeof(*to));
	to->kind = from->kind;
	to->len = from->len;
	if (from->kind == CW_RDF_DEFAULT_GRAPH)
		return 0;
	if (!(to->value = pool_copy(ds, from->value, from->len)))
		return CW_ENOMEM;
	if (from->datatype &&
	    !(to->datatype =
	              pool_copy(ds, from->datatype, strlen(from->datatype))))
		return CW_ENOMEM;
	if (from->language &&
	    !(to->language =
	              pool_copy(ds, from->language, strlen(from->language))))
		return CW_ENOMEM;
	return 0;
}

int cw_rdf_dataset_add(cw_rdf_dataset *ds, const cw_rdf_quad *quad)
{
	cw_rdf_quad q;
	int err;

	memset(&q, 0, sizeof(q));
	if ((err = copy_term(ds, &q.subject, &quad->subject)) < 0 ||
	    (err = copy_term(ds, &q.predicate, &quad->predicate)) < 0 ||
	    (err = copy_term(ds, &q.object, &quad->object)) < 0 ||
	    (err = copy_term(ds, &q.graph, &quad->graph)) < 0)
		return err; /* what was copied stays in the pool */
	return dataset_push(ds, &q);
}

void cw_rdf_dataset_free(cw_rdf_dataset *ds)
{
	if (!ds)
		return;
	while (ds->pool) {
		cw_rdf_pool *next = ds->pool->next;
		cw_free(ds->pool);
		ds->pool = next;
	}
	cw_free(ds->quads);
	cw_free(ds);
}

/* The escape of byte c in a canonical literal, or NULL to write it raw. */
static const char *literal_escape(unsigned char c, char tmp[8])
{
	static const char hex[] = "0123456789ABCDEF";

	switch (c) {
	case '\b': return "\\b";
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\f': return "\\f";
	case '\r': return "\\r";
	case '"': return "\\\"";
	case '\\': return "\\\\";
	default: break;
	}
	if (c >= 0x20 && c != 0x7F)
		return NULL;
	memcpy(tmp, "\\u00", 4);
	tmp[4] = hex[c >> 4];
	tmp[5] = hex[c & 15];
	tmp[6] = '\0';
	return tmp;
}

static int write_literal(cw_buf *out, const cw_rdf_term *t)
{
	size_t run = 0;
	char tmp[8];

	cw_buf_putc(out, '"');
	for (size_t i = 0; i < t->len; i++) {
		const char *esc =
		        literal_escape((unsigned char)t->value[i], tmp);

		if (!esc)
			continue;
		cw_buf_put(out, t->value + run, i - run);
		cw_buf_puts(out, esc);
		run = i + 1;
	}
	cw_buf_put(out, t->value + run, t->len - run);
	cw_buf_putc(out, '"');
	if (t->language) {
		cw_buf_putc(out, '@');
		cw_buf_puts(out, t->language);
	} else if (t->datatype) {
		cw_buf_puts(out, "^^<");
		cw_buf_puts(out, t->datatype);
		cw_buf_putc(out, '>');
	}
	return out->error;
}

int cw_nquads_write_term(cw_buf *out, const cw_rdf_term *term)
{
	switch (term->kind) {
	case CW_RDF_IRI:
		cw_buf_putc(out, '<');
		cw_buf_put(out, term->value, term->len);
		return cw_buf_putc(out, '>');
	case CW_RDF_BLANK:
		cw_buf_puts(out, "_:");
		return cw_buf_put(out, term->value, term->len);
	case CW_RDF_LITERAL: return write_literal(out, term);
	default: return out->error;
	}
}

int cw_nquads_write_quad(cw_buf *out, const cw_rdf_quad *quad)
{
	cw_nquads_write_term(out, &quad->subject);
	cw_buf_putc(out, ' ');
	cw_nquads_write_term(out, &quad->predicate);
	cw_buf_putc(out, ' ');
	cw_nquads_write_term(out, &quad->object);
	if (quad->graph.kind != CW_RDF_DEFAULT_GRAPH) {
		cw_buf_putc(out, ' ');
		cw_nquads_write_term(out, &quad->graph);
	}
	return cw_buf_puts(out, " .\n");
}

int cw_nquads_write(cw_buf *out, const cw_rdf_dataset *ds)
{
	for (size_t i = 0; i < ds->count; i++)
		cw_nquads_write_quad(out, &ds->quads[i]);
	return out->error;
}
