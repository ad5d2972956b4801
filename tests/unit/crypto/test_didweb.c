/* did:web DIDs to the URLs of their DID documents. */
#include "crypto/didweb.h"
#include "util/error.h"

#include <check.h>
#include <string.h>

Suite *suite_didweb(void);

START_TEST(resolves_to_did_json)
{
	static const struct {
		const char *did, *url;
		size_t did_len;
	} cases[] = {
		{ "did:web:w3c-ccg.github.io",
		  "https://w3c-ccg.github.io/.well-known/did.json", 25 },
		{ "did:web:w3c-ccg.github.io:user:alice",
		  "https://w3c-ccg.github.io/user/alice/did.json", 36 },
		{ "did:web:example.com%3A3000:badges:d1:issuers:x#key-1",
		  "https://example.com:3000/badges/d1/issuers/x/did.json", 46 },
		{ "did:web:127.0.0.1%3a8080:a",
		  "http://127.0.0.1:8080/a/did.json", 26 },
		{ "did:web:localhost:a%41b", "http://localhost/a%41b/did.json",
		  23 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cw_buf url = CW_BUF_INIT(4096);
		size_t n = 0;
		ck_assert_int_eq(cw_did_web_url(&url, &n, cases[i].did,
		                                strlen(cases[i].did)),
		                 0);
		ck_assert_str_eq(cw_buf_cstr(&url), cases[i].url);
		ck_assert_uint_eq(n, cases[i].did_len);
		cw_buf_dispose(&url);
	}
}
END_TEST

START_TEST(refuses_malformed)
{
	static const char *const bad[] = {
		"did:web:",
		"did:key:z6Mk",
		"did:web:a_b.com",
		"did:web:.a.com",
		"did:web:a.com%3A0",
		"did:web:a.com%3A99999",
		"did:web:a.com::x",
		"did:web:a.com:..",
		"did:web:a.com:a%2Fb",
		"did:web:a.com:a?b",
		"did:web:a.com/x",
		"did:web:a.com:a%4",
		"did:web:a@b.com",
		"did:web:a.com%3Ax",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cw_buf url = CW_BUF_INIT(4096);
		ck_assert_msg(cw_did_web_url(&url, NULL, bad[i],
		                             strlen(bad[i])) == CW_EINVAL,
		              "%s", bad[i]);
		cw_buf_dispose(&url);
	}
}
END_TEST

Suite *suite_didweb(void)
{
	Suite *s = suite_create("didweb");
	TCase *t = tcase_create("didweb");
	tcase_add_test(t, resolves_to_did_json);
	tcase_add_test(t, refuses_malformed);
	suite_add_tcase(s, t);
	return s;
}
