/* The formats `format` can assert: RFC 3339 date, date-time and time,
 * RFC 5321 email (addresses without comments), RFC 3986 uri, RFC 4122 uuid,
 * RFC 2673 ipv4 and RFC 4291 ipv6. */
#include "schema/schema_internal.h"

#include <ctype.h>
#include <string.h>

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int number(const char *s, size_t n)
{
	int value = 0;

	for (size_t i = 0; i < n; i++)
		value = value * 10 + (s[i] - '0');
	return value;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
		                    31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* full-date: exactly 10 bytes. */
static int is_date(const char *s, size_t len)
{
	int year, month, day;

	if (len != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return 0;
	year = number(s, 4);
	month = number(s + 5, 2);
	day = number(s + 8, 2);
	return month >= 1 && month <= 12 && day >= 1 &&
	       day <= days_in_month(year, month);
}

/* time-offset at s: "Z" or "+HH:MM"; the offset in minutes east of UTC. */
static int parse_offset(const char *s, size_t len, int *minutes)
{
	int hours, mins;

	if (len == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*minutes = 0;
		return 1;
	}
	if (len != 6 || (s[0] != '+' && s[0] != '-') || !digits(s + 1, 2) ||
	    s[3] != ':' || !digits(s + 4, 2))
		return 0;
	hours = number(s + 1, 2);
	mins = number(s + 4, 2);
	if (hours > 23 || mins > 59)
		return 0;
	*minutes = (hours * 60 + mins) * (s[0] == '-' ? -1 : 1);
	return 1;
}

/* full-time: HH:MM:SS[.frac]offset; a leap second only at 23:59:60 UTC. */
static int is_time(const char *s, size_t len)
{
	int hour, minute, second, offset, utc;
	size_t i = 8;

	if (len < 9 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) ||
	    s[5] != ':' || !digits(s + 6, 2))
		return 0;
	hour = number(s, 2);
	minute = number(s + 3, 2);
	second = number(s + 6, 2);
	if (s[i] == '.') {
		size_t start = ++i;

		while (i < len && isdigit((unsigned char)s[i]))
			i++;
		if (i == start)
			return 0;
	}
	if (hour > 23 || minute > 59 || second > 60 ||
	    !parse_offset(s + i, len - i, &offset))
		return 0;
	if (second == 60) {
		utc = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440;
		return utc == 23 * 60 + 59;
	}
	return 1;
}

static int is_date_time(const char *s, size_t len)
{
	return len > 11 && (s[10] == 'T' || s[10] == 't') && is_date(s, 10) &&
	       is_time(s + 11, len - 11);
}

static int is_uuid(const char *s, size_t len)
{
	if (len != 36)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

static int is_ipv4(const char *s, size_t len)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t start = i;

		while (i < len && isdigit((unsigned char)s[i]) && i - start < 4)
			i++;
		if (i == start || i - start > 3 ||
		    (s[start] == '0' && i - start > 1) ||
		    number(s + start, i - start) > 255)
			return 0;
		if (part < 3 && (i >= len || s[i++] != '.'))
			return 0;
	}
	return i == len;
}

/* Hex groups of an IPv6 text without "::"; an IPv4 tail when last. */
static int ipv6_groups(const char *s, size_t len, int allow_v4, int *count)
{
	size_t i = 0;

	*count = 0;
	if (len == 0)
		return 1;
	for (;;) {
		size_t start = i, colon;

		while (i < len && isxdigit((unsigned char)s[i]))
			i++;
		colon = i;
		while (colon < len && s[colon] != ':')
			colon++;
		if (allow_v4 && colon == len &&
		    memchr(s + start, '.', len - start))
			return is_ipv4(s + start, len - start) &&
			       (*count += 2, 1);
		if (i == start || i - start > 4)
			return 0;
		(*count)++;
		if (i == len)
			return 1;
		if (s[i] != ':' || i + 1 == len)
			return 0;
		i++;
	}
}

static int is_ipv6(const char *s, size_t len)
{
	const char *gap = NULL;
	int left = 0, right = 0;

	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == ':' && s[i + 1] == ':') {
			if (gap)
				return 0;
			gap = s + i;
			i++;
		}
	}
	if (!gap)
		return ipv6_groups(s, len, 1, &left) && left == 8;
	if (!ipv6_groups(s, (size_t)(gap - s), 0, &left) ||
	    !ipv6_groups(gap + 2, len - (size_t)(gap - s) - 2, 1, &right))
		return 0;
	return left + right <= 7;
}

static int is_hostname(const char *s, size_t len)
{
	size_t label = 0;

	if (len == 0 || len > 253)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
		if (label == 0 && s[i] == '-')
			return 0;
		label++;
	}
	return 1;
}

static int is_atext(char c)
{
	return isalnum((unsigned char)c) || strchr("!#$%&'*+-/=?^_`{|}~", c);
}

static int is_local_part(const char *s, size_t len)
{
	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		for (size_t i = 1; i + 1 < len; i++) {
			if (s[i] == '\\' && i + 2 < len)
				i++;
			else if (s[i] == '"' || s[i] == '\\' ||
			         (unsigned char)s[i] < 0x20)
				return 0;
		}
		return 1;
	}
	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' ? s[i + 1] == '.' : !is_atext(s[i]))
			return 0;
	}
	return 1;
}

static int is_email(const char *s, size_t len)
{
	const char *at = NULL, *domain;
	size_t domain_len;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '@')
			at = s + i;
	if (!at || !is_local_part(s, (size_t)(at - s)))
		return 0;
	domain = at + 1;
	domain_len = len - (size_t)(domain - s);
	if (domain_len > 2 && domain[0] == '[' &&
	    domain[domain_len - 1] == ']') {
		if (domain_len > 7 && strncmp(domain + 1, "IPv6:", 5) == 0)
			return is_ipv6(domain + 6, domain_len - 7);
		return is_ipv4(domain + 1, domain_len - 2);
	}
	return is_hostname(domain, domain_len);
}

static int is_uri_char(const char *s, size_t i, size_t len)
{
	unsigned char c = (unsigned char)s[i];

	if (c == '%')
		return i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
		       isxdigit((unsigned char)s[i + 2]);
	return isalnum(c) || strchr("-._~:/?#[]@!$&'()*+,;=", c);
}

/* authority = [userinfo "@"] host [":" port]; brackets only round IPv6. */
static int is_authority(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len), *host = at ? at + 1 : s;
	size_t host_len = len - (size_t)(host - s), port;

	if (at && memchr(s, '[', (size_t)(at - s)))
		return 0;
	if (host_len && host[0] == '[') {
		const char *close = memchr(host, ']', host_len);

		if (!close || !is_ipv6(host + 1, (size_t)(close - host) - 1))
			return 0;
		port = (size_t)(close - host) + 1;
	} else {
		port = 0;
		while (port < host_len && host[port] != ':')
			port++;
		if (memchr(host, '[', port) || memchr(host, ']', port))
			return 0;
	}
	if (port == host_len)
		return 1;
	return host[port] == ':' &&
	       digits(host + port + 1, host_len - port - 1);
}

static int is_uri(const char *s, size_t len)
{
	size_t i = 0, end;

	if (len == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '+' ||
	                   s[i] == '-' || s[i] == '.'))
		i++;
	if (i == len || s[i] != ':')
		return 0;
	for (size_t k = i + 1; k < len; k++)
		if (!is_uri_char(s, k, len))
			return 0;
	if (len - i < 3 || s[i + 1] != '/' || s[i + 2] != '/')
		return !memchr(s + i, '[', len - i);
	i += 3;
	end = i;
	while (end < len && !strchr("/?#", s[end]))
		end++;
	if (memchr(s + end, '[', len - end) || memchr(s + end, ']', len - end))
		return 0;
	return is_authority(s + i, end - i);
}

int sch_format_check(const char *format, const char *value)
{
	size_t len = strlen(value);

	if (strcmp(format, "date") == 0)
		return is_date(value, len);
	if (strcmp(format, "date-time") == 0)
		return is_date_time(value, len);
	if (strcmp(format, "time") == 0)
		return is_time(value, len);
	if (strcmp(format, "email") == 0)
		return is_email(value, len);
	if (strcmp(format, "uri") == 0)
		return is_uri(value, len);
	if (strcmp(format, "uuid") == 0)
		return is_uuid(value, len);
	if (strcmp(format, "ipv4") == 0)
		return is_ipv4(value, len);
	if (strcmp(format, "ipv6") == 0)
		return is_ipv6(value, len);
	return -1;
}
