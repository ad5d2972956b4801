/* The tree-less JSON page reader; see json_page.h. It accepts what cJSON
 * accepts (a leading BOM, numbers strtod reads whole, raw control bytes in
 * strings) except NUL bytes, \u0000 and whitespace other than RFC 8259's
 * four: whatever it reads, cw_json_parse reads too. */
#include "util/json_page.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	cw_jv whole;
	size_t first, count;
	uint64_t shape;
} item;

struct cw_json_page {
	item *items;
	size_t item_count, item_alloc;
	cw_jmember *members;
	size_t member_count, member_alloc;
};

typedef struct {
	const char *buf;
	size_t len, pos;
	int depth, max_depth;
	const char *why;
	int err;
	cw_json_page *page;
} reader;

int cw_json_page_new(cw_json_page **out)
{
	*out = cw_calloc(1, sizeof(**out));
	return *out ? 0 : CW_ENOMEM;
}

void cw_json_page_free(cw_json_page *page)
{
	if (!page)
		return;
	cw_free(page->items);
	cw_free(page->members);
	cw_free(page);
}

static int fail(reader *r, const char *why, size_t at)
{
	if (!r->err) {
		r->why = why;
		r->pos = at;
		r->err = CW_EINVAL;
	}
	return r->err;
}

static int ends(reader *r, const char *inside)
{
	return fail(r, inside, r->len);
}

static void skip_ws(reader *r)
{
	while (r->pos < r->len &&
	       (r->buf[r->pos] == ' ' || r->buf[r->pos] == '\n' ||
	        r->buf[r->pos] == '\r' || r->buf[r->pos] == '\t'))
		r->pos++;
}

/* After a member (close '}') or an item (close ']'): a comma and no close
 * after it, or the close. */
static int after_item(reader *r, char close)
{
	skip_ws(r);
	if (r->pos < r->len && r->buf[r->pos] == ',') {
		r->pos++;
		skip_ws(r);
		if (r->pos < r->len && r->buf[r->pos] == close)
			return fail(r,
			            close == '}' ? "a member name expected"
			                         : "a value expected",
			            r->pos);
	} else if (r->pos < r->len && r->buf[r->pos] != close) {
		return fail(r,
		            close == '}' ? "',' or '}' expected"
		                         : "',' or ']' expected",
		            r->pos);
	}
	return 0;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A \u escape at i (a surrogate pair counts as one): its length, or a
 * failure. */
static int unicode_escape(reader *r, size_t i, size_t *used)
{
	unsigned first, second;
	if (i + 6 > r->len)
		return ends(r, "the text ends inside a string");
	if (hex4(r->buf + i + 2, &first) < 0)
		return fail(r, "a \\u escape without four hex digits", i);
	if (first == 0)
		return fail(r, "a string holds \\u0000", i);
	if (first >= 0xDC00 && first <= 0xDFFF)
		return fail(r, "a lone low surrogate", i);
	*used = 6;
	if (first < 0xD800 || first > 0xDBFF)
		return 0;
	if (i + 8 > r->len || (r->buf[i + 6] == '\\' && i + 12 > r->len))
		return ends(r, "the text ends inside a string");
	if (r->buf[i + 6] != '\\' || r->buf[i + 7] != 'u' ||
	    hex4(r->buf + i + 8, &second) < 0 || second < 0xDC00 ||
	    second > 0xDFFF)
		return fail(r, "a high surrogate without its low half", i);
	*used = 12;
	return 0;
}

/* memchr finds the closing quote, then the span before it is checked for
 * escapes and NUL bytes: long strings (hrefs) go at memchr's speed. */
static int read_string(reader *r, cw_jv *out)
{
	const char *p = r->buf;
	size_t start = r->pos + 1, i = start, used = 0;
	int escaped = 0, err;
	for (;;) {
		const char *quote =
		        i < r->len ? memchr(p + i, '"', r->len - i) : NULL;
		size_t end = quote ? (size_t)(quote - p) : r->len;
		const char *slash = memchr(p + i, '\\', end - i);
		size_t stop = slash ? (size_t)(slash - p) : end;
		const char *nul = memchr(p + i, '\0', stop - i);
		if (nul)
			return fail(r, "a NUL byte in a string",
			            (size_t)(nul - p));
		if (!slash) {
			if (!quote)
				return ends(r, "the text ends inside a string");
			i = end;
			break;
		}
		i = stop;
		escaped = 1;
		if (i + 1 >= r->len)
			return ends(r, "the text ends inside a string");
		if (p[i + 1] == 'u') {
			if ((err = unicode_escape(r, i, &used)) < 0)
				return err;
			i += used;
		} else if (p[i + 1] && strchr("\"\\/bfnrt", p[i + 1])) {
			i += 2;
		} else {
			return fail(r, "an unknown escape in a string", i);
		}
	}
	*out = (cw_jv){ r->buf + start, i - start, CW_JV_STRING, escaped };
	r->pos = i + 1;
	return 0;
}

/* As cJSON: the longest run of number bytes, which strtod must read
 * whole. */
static int read_number(reader *r, cw_jv *out)
{
	char text[64], *end = NULL;
	size_t start = r->pos, n = 0;
	while (start + n < r->len &&
	       strchr("0123456789+-.eE", r->buf[start + n]) &&
	       r->buf[start + n])
		n++;
	if (n >= sizeof(text))
		return fail(r, "a number too long", start);
	memcpy(text, r->buf + start, n);
	text[n] = '\0';
	(void)strtod(text, &end);
	if (n == 0 || end != text + n)
		return fail(r, "a number that is not JSON", start);
	*out = (cw_jv){ r->buf + start, n, CW_JV_NUMBER, 0 };
	r->pos = start + n;
	return 0;
}

static int read_literal(reader *r, cw_jv *out, const char *word,
                        cw_jv_type type)
{
	size_t n = strlen(word);
	if (r->len - r->pos < n || memcmp(r->buf + r->pos, word, n) != 0)
		return r->len - r->pos < n && memcmp(r->buf + r->pos, word,
		                                     r->len - r->pos) == 0
		               ? ends(r, "the text ends inside a literal")
		               : fail(r, "a value expected", r->pos);
	*out = (cw_jv){ r->buf + r->pos, n, type, 0 };
	r->pos += n;
	return 0;
}

typedef enum { PLAIN, INDEX_ITEMS, INDEX_MEMBERS } mode;

static int read_value(reader *r, cw_jv *out, mode m);

static int grow(void **array, size_t *alloc, size_t need, size_t size)
{
	size_t n = *alloc ? *alloc : 64;
	void *p;
	if (need <= *alloc)
		return 0;
	while (n < need)
		n *= 2;
	if (!(p = cw_realloc(*array, n * size)))
		return CW_ENOMEM;
	*array = p;
	*alloc = n;
	return 0;
}

static uint64_t shape_step(uint64_t h, const cw_jv *name)
{
	for (size_t i = 0; i < name->len; i++) {
		h ^= (unsigned char)name->text[i];
		h *= 0x100000001b3ULL;
	}
	return (h ^ 0xff) * 0x100000001b3ULL; /* a separator */
}

static int open_container(reader *r, const char *what)
{
	if (++r->depth > r->max_depth) {
		r->err = CW_ETOOBIG;
		r->why = what;
		return r->err;
	}
	r->pos++;
	skip_ws(r);
	return 0;
}

static int read_object(reader *r, cw_jv *out, mode m, uint64_t *shape)
{
	size_t start = r->pos;
	cw_jmember member;
	int err;
	if ((err = open_container(r, "nested too deep")) < 0)
		return err;
	*shape = 0xcbf29ce484222325ULL;
	while (r->pos < r->len && r->buf[r->pos] != '}') {
		if (r->buf[r->pos] != '"')
			return fail(r, "a member name expected", r->pos);
		if ((err = read_string(r, &member.name)) < 0)
			return err;
		skip_ws(r);
		if (r->pos >= r->len)
			return ends(r, "the text ends inside an object");
		if (r->buf[r->pos] != ':')
			return fail(r, "':' expected", r->pos);
		r->pos++;
		skip_ws(r);
		if ((err = read_value(r, &member.value, PLAIN)) < 0)
			return err;
		if (m == INDEX_MEMBERS) {
			cw_json_page *p = r->page;
			if ((err = grow((void **)&p->members, &p->member_alloc,
			                p->member_count + 1,
			                sizeof(*p->members))) < 0)
				return r->err = err;
			p->members[p->member_count++] = member;
			*shape = shape_step(*shape, &member.name);
		}
		if ((err = after_item(r, '}')) < 0)
			return err;
	}
	if (r->pos >= r->len)
		return ends(r, "the text ends inside an object");
	r->pos++;
	r->depth--;
	*out = (cw_jv){ r->buf + start, r->pos - start, CW_JV_OBJECT, 0 };
	return 0;
}

static int add_item(reader *r, mode m)
{
	cw_json_page *p = r->page;
	item *it;
	int err;
	if ((err = grow((void **)&p->items, &p->item_alloc, p->item_count + 1,
	                sizeof(*p->items))) < 0)
		return r->err = err;
	it = &p->items[p->item_count];
	it->first = p->member_count;
	it->count = 0;
	it->shape = 0;
	if (m == INDEX_ITEMS && r->buf[r->pos] == '{')
		err = read_object(r, &it->whole, INDEX_MEMBERS, &it->shape);
	else
		err = read_value(r, &it->whole, PLAIN);
	if (err < 0)
		return err;
	it->count = p->member_count - it->first;
	p->item_count++;
	return 0;
}

static int read_array(reader *r, cw_jv *out, mode m)
{
	size_t start = r->pos;
	cw_jv ignored;
	int err;
	if ((err = open_container(r, "nested too deep")) < 0)
		return err;
	while (r->pos < r->len && r->buf[r->pos] != ']') {
		if ((err = m == INDEX_ITEMS
		                   ? add_item(r, m)
		                   : read_value(r, &ignored, PLAIN)) < 0)
			return err;
		if ((err = after_item(r, ']')) < 0)
			return err;
	}
	if (r->pos >= r->len)
		return ends(r, "the text ends inside an array");
	r->pos++;
	r->depth--;
	*out = (cw_jv){ r->buf + start, r->pos - start, CW_JV_ARRAY, 0 };
	return 0;
}

static int read_value(reader *r, cw_jv *out, mode m)
{
	uint64_t shape;
	if (r->pos >= r->len)
		return ends(r, "the text ends where a value should be");
	switch (r->buf[r->pos]) {
	case '"': return read_string(r, out);
	case '{': return read_object(r, out, PLAIN, &shape);
	case '[': return read_array(r, out, m);
	case 't': return read_literal(r, out, "true", CW_JV_TRUE);
	case 'f': return read_literal(r, out, "false", CW_JV_FALSE);
	case 'n': return read_literal(r, out, "null", CW_JV_NULL);
	default:
		if (r->buf[r->pos] == '-' ||
		    (r->buf[r->pos] >= '0' && r->buf[r->pos] <= '9'))
			return read_number(r, out);
		return fail(r, "a value expected", r->pos);
	}
}

/* The top-level object: the first member named member is indexed when it
 * is an array; *found says whether it was. */
static int read_top(reader *r, const char *member, int *found)
{
	cw_jv name, value;
	int err, seen = 0;
	if ((err = open_container(r, "nested too deep")) < 0)
		return err;
	while (r->pos < r->len && r->buf[r->pos] != '}') {
		if (r->buf[r->pos] != '"')
			return fail(r, "a member name expected", r->pos);
		if ((err = read_string(r, &name)) < 0)
			return err;
		skip_ws(r);
		if (r->pos >= r->len)
			return ends(r, "the text ends inside an object");
		if (r->buf[r->pos] != ':')
			return fail(r, "':' expected", r->pos);
		r->pos++;
		skip_ws(r);
		int target = !seen && cw_jv_equals(&name, member);
		seen |= target;
		if (target && r->pos < r->len && r->buf[r->pos] == '[')
			*found = 1;
		if ((err = read_value(r, &value,
		                      target ? INDEX_ITEMS : PLAIN)) < 0)
			return err;
		if ((err = after_item(r, '}')) < 0)
			return err;
	}
	if (r->pos >= r->len)
		return ends(r, "the text ends inside an object");
	r->pos++;
	r->depth--;
	return 0;
}

int cw_json_page_read(cw_json_page *page, const char *buf, size_t len,
                      const char *member, int max_depth,
                      cw_json_position *where)
{
	reader r = { buf, len, 0, 0, max_depth, NULL, 0, page };
	cw_json_position pos;
	cw_jv value;
	int found = 0, err;
	page->item_count = 0;
	page->member_count = 0;
	/* cJSON skips a BOM when more than one byte follows it */
	if (len > 4 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		r.pos = 3;
	skip_ws(&r);
	if (r.pos < len && buf[r.pos] == '{')
		err = read_top(&r, member, &found);
	else
		err = read_value(&r, &value, PLAIN);
	skip_ws(&r);
	if (err == 0 && r.pos < len)
		err = fail(&r, "text after the value", r.pos);
	if (err == CW_ENOMEM) {
		page->item_count = 0;
		return err;
	}
	if (err < 0) {
		page->item_count = 0;
		cw_json_locate(&pos, buf, r.pos < len ? r.pos : len);
		if (where)
			*where = pos;
		if (err == CW_ETOOBIG)
			cw_error_set("%d:%d: JSON nested deeper than %d levels",
			             pos.line, pos.column, max_depth);
		else
			cw_error_set("%d:%d: %s", pos.line, pos.column, r.why);
		return err;
	}
	if (!found) {
		page->item_count = 0;
		return CW_ENOTFOUND;
	}
	return 0;
}

size_t cw_json_page_count(const cw_json_page *page)
{
	return page->item_count;
}

void cw_json_page_item(const cw_json_page *page, size_t i, cw_jobject *out)
{
	const item *it = &page->items[i];
	out->whole = it->whole;
	out->members = page->members ? page->members + it->first : NULL;
	out->count = it->count;
	out->shape = it->shape;
}

const cw_jv *cw_jobject_get(const cw_jobject *o, const char *name)
{
	for (size_t i = 0; i < o->count; i++)
		if (cw_jv_equals(&o->members[i].name, name))
			return &o->members[i].value;
	return NULL;
}

/* The UTF-8 bytes of code point c into out; their count. */
static size_t utf8(char out[4], unsigned long c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* One escape at s (checked by the read): its bytes into out; the escape's
 * length. */
static size_t unescape(const char *s, char out[4], size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned first = 0, second = 0;
	if (s[1] != 'u') {
		out[0] = to[strchr(from, s[1]) - from];
		*n = 1;
		return 2;
	}
	(void)hex4(s + 2, &first);
	if (first < 0xD800 || first > 0xDBFF) {
		*n = utf8(out, first);
		return 6;
	}
	(void)hex4(s + 8, &second);
	*n = utf8(out, 0x10000 + (((unsigned long)first - 0xD800) << 10) +
	                       (second - 0xDC00));
	return 12;
}

int cw_jv_decode(cw_buf *out, const cw_jv *v)
{
	size_t i = 0, n, used;
	char bytes[4];
	if (!v->escaped)
		return cw_buf_put(out, v->text, v->len);
	while (i < v->len) {
		const char *slash = memchr(v->text + i, '\\', v->len - i);
		size_t plain =
		        slash ? (size_t)(slash - v->text) - i : v->len - i;
		cw_buf_put(out, v->text + i, plain);
		i += plain;
		if (i >= v->len)
			break;
		used = unescape(v->text + i, bytes, &n);
		cw_buf_put(out, bytes, n);
		i += used;
	}
	return out->error;
}

int cw_jv_equals(const cw_jv *v, const char *s)
{
	size_t n = strlen(s), i = 0, k = 0, used, got;
	char bytes[4];
	if (v->type != CW_JV_STRING)
		return 0;
	if (!v->escaped)
		return v->len == n && memcmp(v->text, s, n) == 0;
	while (i < v->len) {
		if (v->text[i] != '\\') {
			if (k >= n || s[k++] != v->text[i++])
				return 0;
			continue;
		}
		used = unescape(v->text + i, bytes, &got);
		if (k + got > n || memcmp(s + k, bytes, got) != 0)
			return 0;
		k += got;
		i += used;
	}
	return k == n;
}

/* ---- walking values of a page already read (so they are valid) ---- */

static size_t skip_ws_at(const char *s, size_t len, size_t i)
{
	while (i < len &&
	       (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
		i++;
	return i;
}

/* The end of the string whose opening quote is at i (past the closing
 * quote); *escaped when it has escapes. */
static size_t skip_string(const char *s, size_t len, size_t i, int *escaped)
{
	*escaped = 0;
	for (i++; i < len;) {
		const char *q = memchr(s + i, '"', len - i);
		size_t end = q ? (size_t)(q - s) : len, slashes = 0;
		while (end - slashes > i && s[end - slashes - 1] == '\\')
			slashes++;
		if (!*escaped && memchr(s + i, '\\', end - i))
			*escaped = 1;
		if (slashes % 2 == 0)
			return end + 1;
		i = end + 1; /* an escaped quote */
	}
	return len;
}

static size_t skip_value(const char *s, size_t len, size_t i)
{
	int depth = 0, escaped;
	if (s[i] == '"')
		return skip_string(s, len, i, &escaped);
	if (s[i] != '{' && s[i] != '[') {
		while (i < len && !strchr(",]} \n\r\t", s[i]))
			i++;
		return i;
	}
	for (; i < len; i++) {
		if (s[i] == '"') {
			i = skip_string(s, len, i, &escaped) - 1;
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if ((s[i] == '}' || s[i] == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return i;
}

static cw_jv value_at(const char *s, size_t start, size_t end)
{
	cw_jv v = { s + start, end - start, CW_JV_NUMBER, 0 };
	switch (s[start]) {
	case '"':
		v.text++;
		v.len -= 2;
		v.type = CW_JV_STRING;
		v.escaped = memchr(v.text, '\\', v.len) != NULL;
		break;
	case '{': v.type = CW_JV_OBJECT; break;
	case '[': v.type = CW_JV_ARRAY; break;
	case 't': v.type = CW_JV_TRUE; break;
	case 'f': v.type = CW_JV_FALSE; break;
	case 'n': v.type = CW_JV_NULL; break;
	default: break;
	}
	return v;
}

/* From *cursor inside container v: the next item (an object's member
 * name in *name when asked). */
static int next_in(const cw_jv *v, size_t *cursor, cw_jv *name, cw_jv *out)
{
	const char *s = v->text;
	size_t i = *cursor ? *cursor : 1, end;
	i = skip_ws_at(s, v->len, i);
	if (i < v->len && s[i] == ',')
		i = skip_ws_at(s, v->len, i + 1);
	if (i >= v->len || s[i] == '}' || s[i] == ']')
		return 0;
	if (v->type == CW_JV_OBJECT) {
		end = skip_value(s, v->len, i);
		if (name)
			*name = value_at(s, i, end);
		i = skip_ws_at(s, v->len, end);
		i = skip_ws_at(s, v->len, i + 1); /* past ':' */
	}
	end = skip_value(s, v->len, i);
	*out = value_at(s, i, end);
	*cursor = end;
	return 1;
}

int cw_jv_next(const cw_jv *v, size_t *cursor, cw_jv *out)
{
	if (v->type != CW_JV_ARRAY && v->type != CW_JV_OBJECT)
		return 0;
	return next_in(v, cursor, NULL, out);
}

int cw_jv_member(const cw_jv *v, const char *name, cw_jv *out)
{
	size_t cursor = 0;
	cw_jv key, value;
	if (v->type != CW_JV_OBJECT)
		return CW_ENOTFOUND;
	while (next_in(v, &cursor, &key, &value))
		if (cw_jv_equals(&key, name)) {
			*out = value;
			return 0;
		}
	return CW_ENOTFOUND;
}

int cw_jv_next_member(const cw_jv *v, size_t *cursor, cw_jv *name, cw_jv *value)
{
	if (v->type != CW_JV_OBJECT)
		return 0;
	return next_in(v, cursor, name, value);
}
