/* Open Badges hosting on the real daemon: OB 2.0 hosted and signed
 * assertions (served with content negotiation, 410 once revoked, the
 * signed key linked both ways, the RevocationList, baked images), did:web
 * and hosted issuers, and the admin API's key rotation, batches and status
 * lists, tenant-checked. */
#include "harness.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/json.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

Suite *suite_badge_hosting(void);

static cwt_env env;
static cw_buf out, err;
static cwt_daemon daemon_;
static char base[64]; /* http://127.0.0.1:PORT */

#define ACH "https://district.example/achievements/hosting"

#define RUN(...)                                                               \
	(cw_buf_clear(&out), cw_buf_clear(&err),                               \
	 cwt_run(&env, &out, &err, __VA_ARGS__, NULL))

static const char *path_of(char p[400], const char *name)
{
	snprintf(p, 400, "%s/%s", env.dir, name);
	return p;
}

static const char *write_file(const char *name, const void *data, size_t len)
{
	static char p[400];
	path_of(p, name);
	FILE *f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

/* Makes an issuer (extra flags after the name); its handle in id. */
static void make_issuer(char id[64], const char *tenant, const char *name,
                        const char *flag1, const char *flag2)
{
	ck_assert_msg(RUN("issuer", "add", "--tenant", tenant, "--name", name,
	                  "--email", "badges@district.example", "--json", flag1,
	                  flag2) == 0, /* a NULL flag ends the list */
	              "%s", cw_buf_cstr(&err));
	cJSON *doc = cJSON_Parse(out.data);
	ck_assert_ptr_nonnull(doc);
	snprintf(id, 64, "%s", cw_json_string(doc, "id"));
	cJSON_Delete(doc);
}

static void add_achievement(const char *tenant, const char *issuer,
                            const char *id, const char *name)
{
	char p[400], text[1024];
	int n = snprintf(text, sizeof(text),
	                 "{\"id\":\"%s\",\"type\":[\"Achievement\"],\"name\":"
	                 "\"%s\",\"description\":\"Hosts badges.\","
	                 "\"criteria\":{\"narrative\":\"Hosted one.\"},"
	                 "\"achievementType\":\"Badge\",\"image\":{\"id\":"
	                 "\"https://district.example/b.png\",\"type\":"
	                 "\"Image\"}}",
	                 id, name);
	write_file("ach.json", text, (size_t)n);
	ck_assert_msg(RUN("achievement", "add", "--tenant", tenant, "--issuer",
	                  issuer, path_of(p, "ach.json")) == 0,
	              "%s", cw_buf_cstr(&err));
}

static void setup(void)
{
	int port = cwt_free_port();
	char listen[32], conf[400], line[160];
	cwt_env_init(&env);
	out = (cw_buf)CW_BUF_INIT(16 << 20);
	err = (cw_buf)CW_BUF_INIT(1 << 20);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(base, sizeof(base), "http://%s", listen);
	snprintf(line, sizeof(line),
	         "\npublic_base_url = %s\nfetch_private_addresses = 1\n", base);
	FILE *f = fopen(path_of(conf, "crosswalk.conf"), "a");
	ck_assert_ptr_nonnull(f);
	fputs(line, f);
	fclose(f);
	ck_assert_int_eq(RUN("tenant", "add", "d1"), 0);
	ck_assert_int_eq(RUN("tenant", "add", "d2"), 0);
	cwt_start(&daemon_, &env, "--listen", listen, NULL);
}

static void teardown(void)
{
	/* a clean exit: under the sanitizers, no leak in any handler */
	ck_assert_int_eq(cwt_stop(&daemon_, SIGTERM, 5000), 0);
	cw_buf_dispose(&out);
	cw_buf_dispose(&err);
	cwt_env_cleanup(&env);
}

/* Issues with the extra flags; the id in id, the printed credential in
 * the file name. */
static void issue(char id[64], const char *name, const char *tenant,
                  const char *achievement, const char *flag1, const char *flag2,
                  const char *flag3)
{
	ck_assert_msg(RUN("badge", "issue", "--tenant", tenant, "--achievement",
	                  achievement, "--recipient", "ada@example.org",
	                  "--json", flag1, flag2,
	                  flag3) == 0, /* a NULL flag ends the list */
	              "%s", cw_buf_cstr(&err));
	cJSON *doc = cJSON_Parse(out.data);
	ck_assert_ptr_nonnull(doc);
	snprintf(id, 64, "%s", cw_json_string(doc, "id"));
	const char *text = cw_json_string(doc, "credential");
	write_file(name, text, strlen(text));
	cJSON_Delete(doc);
}

/* GET of an absolute URL on the daemon with an Accept header (or none). */
static void get(cwt_http *res, const char *url, const char *accept)
{
	char header[128];
	const char *headers[] = { header, NULL };
	ck_assert_int_eq(strncmp(url, base, strlen(base)), 0);
	/* "Accept:" alone: curl then sends none (it sends * / * by default) */
	snprintf(header, sizeof(header), "Accept:%s%s",
	         accept && *accept ? " " : "", accept ? accept : "");
	cwt_request(res, &daemon_, "GET", url + strlen(base),
	            accept ? headers : NULL, NULL);
}

static cJSON *get_json(const char *url, long want)
{
	cwt_http res;
	char type[128] = "";
	get(&res, url, "application/ld+json");
	ck_assert_msg(res.status == want, "%s: %ld %s", url, res.status,
	              cw_buf_cstr(&res.body));
	ck_assert(cwt_header(&res, "Content-Type", type, sizeof(type)));
	ck_assert_str_eq(type, "application/ld+json");
	cJSON *doc = cwt_json(&res);
	cwt_http_dispose(&res);
	return doc;
}

/* A hosted OB 2.0 assertion: JSON and HTML at its id, every verification
 * step passing, its BadgeClass and Issuer served; revoked, 410 Gone. */
START_TEST(ob2_hosted_assertion)
{
	char issuer[64], id[64], p[400], type[128] = "", vary[64] = "";
	cwt_http res;
	make_issuer(issuer, "d1", "<b>District & Co</b>", NULL, NULL);
	add_achievement("d1", issuer, ACH, "Hosting <101>");
	issue(id, "hosted.json", "d1", ACH, "--version", "2", NULL);
	cJSON *given = cJSON_Parse(out.data);
	cJSON *a = cJSON_Parse(cw_json_string(given, "credential"));
	cJSON_Delete(given);
	char url[300];
	snprintf(url, sizeof(url), "%s", cw_json_string(a, "id"));
	ck_assert_int_eq(strncmp(url, base, strlen(base)), 0);
	ck_assert_ptr_nonnull(strstr(url, "/badges/d1/assertions/"));
	ck_assert_ptr_nonnull(strstr(url, id + 9)); /* its urn:uuid's UUID */
	const cJSON *r = cJSON_GetObjectItem(a, "recipient");
	ck_assert_str_eq(cw_json_string(r, "type"), "email");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "hashed")));
	ck_assert_int_eq(strncmp(cw_json_string(r, "identity"), "sha256$", 7),
	                 0);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(a, "verification"), "type"),
	        "hosted");
	/* JSON at its id */
	cJSON *served = get_json(url, 200);
	ck_assert(cJSON_Compare(served, a, 1));
	cJSON_Delete(served);
	get(&res, url, ""); /* no Accept: JSON-LD too */
	ck_assert_int_eq(res.status, 200);
	ck_assert(cwt_header(&res, "Vary", vary, sizeof(vary)));
	ck_assert_str_eq(vary, "Accept");
	ck_assert(cwt_header(&res, "Content-Type", type, sizeof(type)));
	ck_assert_str_eq(type, "application/ld+json");
	cwt_http_dispose(&res);
	/* a page for people, everything escaped */
	get(&res, cw_json_string(a, "badge"),
	    "text/html,application/xhtml+xml,*/*;q=0.8");
	ck_assert_int_eq(res.status, 200);
	ck_assert(cwt_header(&res, "Content-Type", type, sizeof(type)));
	ck_assert_str_eq(type, "text/html; charset=utf-8");
	ck_assert(cwt_header(&res, "Content-Security-Policy", type,
	                     sizeof(type)));
	ck_assert_ptr_nonnull(strstr(res.body.data, "<h1>Hosting &lt;101&gt;"));
	ck_assert_ptr_null(strstr(res.body.data, "<101>"));
	cwt_http_dispose(&res);
	cJSON *bc = get_json(cw_json_string(a, "badge"), 200);
	ck_assert_str_eq(cw_json_string(bc, "type"), "BadgeClass");
	ck_assert_str_eq(cw_json_string(bc, "name"), "Hosting <101>");
	ck_assert_str_eq(cw_json_string(bc, "image"),
	                 "https://district.example/b.png");
	cJSON *profile = get_json(cw_json_string(bc, "issuer"), 200);
	ck_assert_str_eq(cw_json_string(profile, "type"), "Issuer");
	ck_assert_str_eq(cw_json_string(profile, "email"),
	                 "badges@district.example");
	ck_assert_ptr_nonnull(cw_json_string(profile, "revocationList"));
	get(&res, cw_json_string(bc, "issuer"), "text/html");
	ck_assert_ptr_nonnull(
	        strstr(res.body.data, "&lt;b&gt;District &amp; Co&lt;/b&gt;"));
	ck_assert_ptr_null(strstr(res.body.data, "<b>District"));
	cwt_http_dispose(&res);
	get(&res, url, "image/png");
	ck_assert_int_eq(res.status, 406);
	cwt_http_dispose(&res);
	cJSON_Delete(profile);
	cJSON_Delete(bc);
	/* every step passes, the recipient too; baked, the same */
	ck_assert_msg(RUN("badge", "verify", url, "--recipient",
	                  "ada@example.org") == 0,
	              "%s", out.data);
	ck_assert_ptr_null(strstr(out.data, "FAIL"));
	ck_assert_ptr_nonnull(strstr(out.data, "PASS recipient"));
	ck_assert_ptr_nonnull(strstr(out.data, "PASS origin"));
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	                          "width=\"4\" height=\"4\"/>\n";
	char baked[400], in[400];
	snprintf(in, sizeof(in), "%s", write_file("in.svg", svg, strlen(svg)));
	ck_assert_msg(RUN("badge", "bake", "--credential",
	                  path_of(p, "hosted.json"), "--image", in, "--out",
	                  path_of(baked, "baked.svg")) == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_msg(RUN("badge", "verify", baked) == 0, "%s%s", out.data,
	              cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "VALID (ob2 hosted)"));
	/* other tenants see nothing */
	char other[300];
	snprintf(other, sizeof(other), "%s", url);
	memcpy(strstr(other, "/d1/"), "/d2/", 4);
	get(&res, other, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);
	/* revoked: 410 Gone with the reason; the verifier says revoked */
	ck_assert_int_eq(
	        RUN("badge", "revoke", id, "--reason", "Issued <in> error"), 0);
	cJSON *gone = get_json(url, 410);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(gone, "revoked")));
	ck_assert_str_eq(cw_json_string(gone, "revocationReason"),
	                 "Issued <in> error");
	cJSON_Delete(gone);
	ck_assert_msg(RUN("badge", "verify", url) == 1, "%s%s", out.data,
	              cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "FAIL revocation"));
	ck_assert_ptr_nonnull(strstr(out.data, "410"));
	cJSON_Delete(a);
}
END_TEST

static void put_chunk(cw_buf *b, const char *type, const void *data, size_t len)
{
	unsigned char n[4] = { (unsigned char)(len >> 24),
		               (unsigned char)(len >> 16),
		               (unsigned char)(len >> 8), (unsigned char)len };
	uLong crc = crc32(crc32(0L, (const Bytef *)type, 4), data, (uInt)len);
	unsigned char c[4] = { (unsigned char)(crc >> 24),
		               (unsigned char)(crc >> 16),
		               (unsigned char)(crc >> 8), (unsigned char)crc };
	cw_buf_put(b, n, 4);
	cw_buf_put(b, type, 4);
	cw_buf_put(b, data, len);
	cw_buf_put(b, c, 4);
}

static int contains(const char *data, size_t len, const char *needle, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(data + i, needle, n) == 0)
			return 1;
	return 0;
}

static const char *write_png(const char *name)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8 };
	static const unsigned char row[2] = { 0, 128 };
	unsigned char idat[32];
	uLongf idat_len = sizeof(idat);
	cw_buf png = CW_BUF_INIT(4096);
	ck_assert_int_eq(compress(idat, &idat_len, row, sizeof(row)), Z_OK);
	cw_buf_put(&png, "\x89PNG\r\n\x1a\n", 8);
	put_chunk(&png, "IHDR", ihdr, sizeof(ihdr));
	put_chunk(&png, "IDAT", idat, idat_len);
	put_chunk(&png, "IEND", "", 0);
	const char *p = write_file(name, png.data, png.len);
	cw_buf_dispose(&png);
	return p;
}

/* A signed OB 2.0 assertion: the JWS verifies with the hosted key, which
 * and the issuer name each other; tampering fails; the RevocationList
 * revokes it; baked in a PNG it verifies. */
START_TEST(ob2_signed_assertion)
{
	char issuer[64], plain[64], id[64], p[400], in[400], baked[400];
	make_issuer(issuer, "d1", "Signing District", "--jwt-key", "rsa");
	add_achievement("d1", issuer, ACH, "Signed badge");
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", ACH, "--recipient", "S-1001",
	                     "--version", "2", "--verification", "signed",
	                     "--json"),
	                 0);
	cJSON *doc = cJSON_Parse(out.data);
	snprintf(id, sizeof(id), "%s", cw_json_string(doc, "id"));
	const char *jws = cw_json_string(doc, "credential");
	ck_assert_int_eq(strncmp(jws, "eyJ", 3), 0);
	write_file("signed.jws", jws, strlen(jws));
	size_t n = strlen(jws);
	char *tampered = cw_strdup(jws);
	tampered[n - 5] = tampered[n - 5] == 'A' ? 'B' : 'A';
	write_file("tampered.jws", tampered, n);
	cw_free(tampered);
	cJSON_Delete(doc);
	ck_assert_msg(RUN("badge", "verify", path_of(p, "signed.jws"),
	                  "--recipient", "S-1001") == 0,
	              "%s", out.data);
	ck_assert_ptr_null(strstr(out.data, "FAIL"));
	ck_assert_ptr_nonnull(strstr(out.data, "PASS proof: JWS RS256 by"));
	ck_assert_ptr_nonnull(strstr(out.data, "/ob2/keys/"));
	ck_assert_ptr_nonnull(
	        strstr(out.data, "PASS key: owned by the issuer, which lists"));
	ck_assert_ptr_nonnull(strstr(out.data, "PASS recipient"));
	char key_url[400];
	const char *at = strstr(out.data, "by http://");
	ck_assert_ptr_nonnull(at);
	snprintf(key_url, sizeof(key_url), "%.*s", (int)strcspn(at + 3, "\n"),
	         at + 3);
	ck_assert_msg(RUN("badge", "verify", path_of(p, "tampered.jws")) == 1,
	              "%s%s", out.data, cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "FAIL proof"));
	/* the key document: a CryptographicKey owned by the Issuer */
	cJSON *key = get_json(key_url, 200);
	ck_assert_str_eq(cw_json_string(key, "type"), "CryptographicKey");
	ck_assert_ptr_nonnull(strstr(cw_json_string(key, "publicKeyPem"),
	                             "BEGIN PUBLIC KEY"));
	cJSON *profile = get_json(cw_json_string(key, "owner"), 200);
	ck_assert_str_eq(cw_json_string(profile, "publicKey"), key_url);
	cJSON_Delete(key);
	/* baked in a PNG (keyword openbadges) */
	snprintf(in, sizeof(in), "%s", write_png("in.png"));
	ck_assert_msg(RUN("badge", "bake", "--credential",
	                  path_of(p, "signed.jws"), "--image", in, "--out",
	                  path_of(baked, "baked.png")) == 0,
	              "%s", cw_buf_cstr(&err));
	char *png = NULL;
	size_t png_len = 0;
	ck_assert_int_eq(cw_file_read(&png, &png_len, baked, 1 << 20), 0);
	ck_assert(contains(png, png_len, "iTXtopenbadges\0", 15));
	ck_assert(!contains(png, png_len, "openbadgecredential", 19));
	cw_free(png);
	ck_assert_int_eq(RUN("badge", "unbake", baked), 0);
	ck_assert_int_eq(strncmp(out.data, "eyJ", 3), 0);
	ck_assert_msg(RUN("badge", "verify", baked) == 0, "%s%s", out.data,
	              cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "VALID (ob2 signed)"));
	/* revoked: in the issuer's RevocationList */
	ck_assert_int_eq(RUN("badge", "revoke", id, "--reason", "Withdrawn"),
	                 0);
	cJSON *list = get_json(cw_json_string(profile, "revocationList"), 200);
	ck_assert_str_eq(cw_json_string(list, "type"), "RevocationList");
	const cJSON *e = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(list, "revokedAssertions"), 0);
	ck_assert_str_eq(cw_json_string(e, "id"), id);
	ck_assert_str_eq(cw_json_string(e, "revocationReason"), "Withdrawn");
	cJSON_Delete(list);
	cJSON_Delete(profile);
	ck_assert_msg(RUN("badge", "verify", path_of(p, "signed.jws")) == 1,
	              "%s%s", out.data, cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "is in the revocation list"));
	/* a signed assertion is not hosted; an issuer without RSA cannot sign
	 */
	make_issuer(plain, "d1", "Plain District", NULL, NULL);
	add_achievement("d1", plain, ACH "-plain", "Plain");
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", ACH "-plain", "--recipient",
	                     "a@b.org", "--version", "2", "--verification",
	                     "signed"),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "no RSA key"));
	/* as the message says: an RSA key by rotation, then it signs */
	ck_assert_int_eq(RUN("issuer", "rotate-key", "--tenant", "d1", "--type",
	                     "rsa", plain),
	                 0);
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", ACH "-plain", "--recipient",
	                     "a@b.org", "--version", "2", "--verification",
	                     "signed"),
	                 0);
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", ACH, "--recipient", "a@b.org",
	                     "--version", "2", "--result", "B"),
	                 1);
	ck_assert_ptr_nonnull(strstr(err.data, "OB 2.0"));
	ck_assert_int_eq(RUN("badge", "issue", "--tenant", "d1",
	                     "--achievement", ACH, "--recipient", "a@b.org",
	                     "--version", "2", "--format", "jwt"),
	                 2);
}
END_TEST

/* A did:web issuer: its DID document at did.json; its credentials name
 * did:web verification methods and verify by resolving it. A hosted
 * issuer's id serves its Profile, which is its controller document. */
START_TEST(did_web_and_hosted_issuers)
{
	char web[64], hosted[64], id[64], p[400], did[200], url[300];
	make_issuer(web, "d1", "Web District", "--did-web", NULL);
	snprintf(did, sizeof(did),
	         "did:web:127.0.0.1%%3A%d:badges:d1:issuers:%s", daemon_.port,
	         web);
	ck_assert_int_eq(RUN("issuer", "list", "--tenant", "d1", "--json"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, did));
	snprintf(url, sizeof(url), "%s/badges/d1/issuers/%s/did.json", base,
	         web);
	cwt_http res;
	get(&res, url, NULL);
	ck_assert_int_eq(res.status, 200);
	cJSON *dd = cwt_json(&res);
	cwt_http_dispose(&res);
	ck_assert_str_eq(cw_json_string(dd, "id"), did);
	const cJSON *vm = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(dd, "verificationMethod"), 0);
	ck_assert_str_eq(cw_json_string(vm, "type"), "Multikey");
	ck_assert_str_eq(cw_json_string(vm, "controller"), did);
	ck_assert_int_eq(strncmp(cw_json_string(vm, "id"), did, strlen(did)),
	                 0);
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(dd, "assertion"
	                                                            "Method"),
	                                    0)
	                         ->valuestring,
	                 cw_json_string(vm, "id"));
	cJSON_Delete(dd);
	add_achievement("d1", web, ACH, "Web badge");
	issue(id, "web.json", "d1", ACH, NULL, NULL, NULL);
	ck_assert_msg(RUN("badge", "verify", path_of(p, "web.json")) == 0,
	              "%s%s", out.data, cw_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(out.data, "PASS proof"));
	ck_assert_ptr_nonnull(strstr(out.data, did));
	ck_assert_msg(RUN("vc", "verify", p) == 0, "%s", out.data);
	/* another tenant's path does not serve it */
	snprintf(url, sizeof(url), "%s/badges/d2/issuers/%s/did.json", base,
	         web);
	get(&res, url, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);
	/* hosted: the id URL answers the Profile with its keys, and a page */
	make_issuer(hosted, "d1", "Hosted District", "--hosted", NULL);
	snprintf(url, sizeof(url), "%s/badges/d1/issuers/%s", base, hosted);
	cJSON *profile = get_json(url, 200);
	ck_assert_str_eq(cw_json_string(profile, "id"), url);
	ck_assert_str_eq(
	        cJSON_GetArrayItem(cJSON_GetObjectItem(profile, "type"), 0)
	                ->valuestring,
	        "Profile");
	ck_assert_str_eq(cw_json_string(profile, "name"), "Hosted District");
	const cJSON *m = cJSON_GetArrayItem(
	        cJSON_GetObjectItem(profile, "assertionMethod"), 0);
	ck_assert_str_eq(cw_json_string(m, "controller"), url);
	cJSON_Delete(profile);
	get(&res, url, "text/html");
	ck_assert_ptr_nonnull(
	        strstr(res.body.data, "<h1>Hosted District</h1>"));
	cwt_http_dispose(&res);
	add_achievement("d1", hosted, ACH "-h", "Hosted badge");
	issue(id, "h.json", "d1", ACH "-h", NULL, NULL, NULL);
	ck_assert_msg(RUN("badge", "verify", path_of(p, "h.json")) == 0, "%s%s",
	              out.data, cw_buf_cstr(&err));
}
END_TEST

static long admin(const char *method, const char *token, const char *path,
                  const char *body, cJSON **doc)
{
	char auth[100];
	cwt_http res;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	const char *headers[] = { auth, "Content-Type: application/json",
		                  NULL };
	cwt_request(&res, &daemon_, method, path, headers, body);
	long status = res.status;
	if (doc)
		*doc = cJSON_Parse(cw_buf_cstr(&res.body));
	cwt_http_dispose(&res);
	return status;
}

/* Rows of a table, read past the daemon (SQLite or PostgreSQL). */
static int count_rows(const char *table)
{
	char sql[100], value[32] = "";
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	ck_assert_int_eq(cwt_store_value(&env, sql, value, sizeof(value)), 1);
	return (int)strtol(value, NULL, 10);
}

/* GET /admin/v1/jobs/{id} until the job ends (10 s). */
static cJSON *wait_job(const char *token, long long id)
{
	char path[100];
	snprintf(path, sizeof(path), "/admin/v1/jobs/%lld", id);
	for (int i = 0; i < 200; i++) {
		cJSON *doc = NULL;
		ck_assert_int_eq(admin("GET", token, path, NULL, &doc), 200);
		const char *state = cw_json_string(doc, "state");
		if (!strcmp(state, "done") || !strcmp(state, "failed"))
			return doc;
		cJSON_Delete(doc);
		cwt_sleep_ms(50);
	}
	ck_abort_msg("job %lld still running", id);
	return NULL;
}

/* The admin API: rotating a did:web issuer's key keeps what the old key
 * signed verifiable; a batch with bad rows issues nothing and names each
 * row by JSON pointer; status lists are read; another tenant's admin is
 * refused. */
START_TEST(admin_rotation_batch_status)
{
	char web[64], token[64], other[64], cid[64], secret[64], path[300],
	        p[400], id[64];
	cJSON *doc = NULL;
	make_issuer(web, "d1", "Rotating District", "--did-web", NULL);
	add_achievement("d1", web, ACH, "Rotated badge");
	issue(id, "old.json", "d1", ACH, NULL, NULL, NULL);
	ck_assert_int_eq(cwt_token(token, &daemon_, env.admin_id,
	                           env.admin_secret, NULL),
	                 0);
	snprintf(path, sizeof(path),
	         "/admin/v1/badges/issuers/%s/rotate-key?tenant=d1", web);
	ck_assert_int_eq(
	        admin("POST", token, path, "{\"type\":\"ed25519\"}", &doc),
	        200);
	int retired = 0;
	const cJSON *k;
	cJSON_ArrayForEach(k, cJSON_GetObjectItem(doc, "keys"))
	{
		retired += strcmp(cw_json_string(k, "status"), "retired") == 0;
	}
	ck_assert_int_eq(retired, 1);
	cJSON_Delete(doc);
	ck_assert_int_eq(admin("POST", token, path, "{\"type\":\"dsa\"}", NULL),
	                 422);
	issue(id, "new.json", "d1", ACH, NULL, NULL, NULL);
	ck_assert_msg(RUN("badge", "verify", path_of(p, "old.json")) == 0, "%s",
	              out.data);
	ck_assert_msg(RUN("badge", "verify", path_of(p, "new.json")) == 0,
	              "%s%s", out.data, cw_buf_cstr(&err));
	/* a batch with two bad rows: nothing issued, each row pointed at */
	int before = count_rows("badge_credentials");
	ck_assert_int_eq(
	        admin("POST", token,
	              "/admin/v1/badges/credentials/batch?tenant=d1",
	              "{\"credentials\":[{\"achievement\":\"" ACH
	              "\",\"recipient\":\"a@b.org\"},{\"achievement\":\"" ACH
	              "\",\"recipient\":\"not@an@email\"},{\"achievement\":"
	              "\"https://nowhere/x\",\"recipient\":\"c@d.org\"}]}",
	              &doc),
	        422);
	ck_assert_int_eq(count_rows("badge_credentials"), before);
	const cJSON *errors = cJSON_GetObjectItem(doc, "errors");
	ck_assert_int_eq(cJSON_GetArraySize(errors), 2);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetArrayItem(errors, 0), "pointer"),
	        "/credentials/1/recipient");
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetArrayItem(errors, 1), "pointer"),
	        "/credentials/2/achievement");
	cJSON_Delete(doc);
	ck_assert_int_eq(
	        admin("POST", token,
	              "/admin/v1/badges/credentials/batch?tenant=d1",
	              "{\"credentials\":[{\"achievement\":\"" ACH
	              "\",\"recipient\":\"a@b.org\"},{\"achievement\":\"" ACH
	              "\",\"recipient\":\"S-77\"}]}",
	              &doc),
	        201);
	ck_assert_int_eq(
	        cJSON_GetArraySize(cJSON_GetObjectItem(doc, "credentials")), 2);
	ck_assert_int_eq(count_rows("badge_credentials"), before + 2);
	cJSON_Delete(doc);
	/* ?async=true: a job of the queue, its row says what it issued */
	ck_assert_int_eq(
	        admin("POST", token,
	              "/admin/v1/badges/credentials/batch?tenant=d1&async=true",
	              "{\"credentials\":[{\"achievement\":\"" ACH
	              "\",\"recipient\":\"e@f.org\"},{\"achievement\":\"" ACH
	              "\",\"recipient\":\"S-79\"}]}",
	              &doc),
	        202);
	long long job =
	        (long long)cJSON_GetObjectItem(doc, "job_id")->valuedouble;
	cJSON_Delete(doc);
	doc = wait_job(token, job);
	ck_assert_msg(strcmp(cw_json_string(doc, "state"), "done") == 0, "%s",
	              cJSON_PrintUnformatted(doc));
	const cJSON *result = cJSON_GetObjectItem(doc, "result");
	ck_assert_str_eq(cw_json_string(result, "state"), "done");
	const cJSON *made = cJSON_GetObjectItem(
	        cJSON_GetObjectItem(result, "issued"), "credentials");
	ck_assert_int_eq(cJSON_GetArraySize(made), 2);
	ck_assert_int_eq(count_rows("badge_credentials"), before + 4);
	/* a node died holding the same batch (its ids given at submit): the
	 * re-run finds them issued and issues nothing */
	char rows[600];
	snprintf(rows, sizeof(rows),
	         "[{\"achievement\":\"" ACH "\",\"recipient\":\"e@f.org\","
	         "\"id\":\"%s\"},{\"achievement\":\"" ACH
	         "\",\"recipient\":\"S-79\",\"id\":\"%s\"}]",
	         cw_json_string(cJSON_GetArrayItem(made, 0), "id"),
	         cw_json_string(cJSON_GetArrayItem(made, 1), "id"));
	cJSON_Delete(doc);
	cwt_store_blob(&env, "batch-dead", "d1", rows);
	doc = wait_job(token, cwt_dead_job(&env, "badge-batch", "d1",
	                                   "{\"input\":\"batch-dead\"}"));
	ck_assert_msg(strcmp(cw_json_string(doc, "state"), "done") == 0, "%s",
	              cJSON_PrintUnformatted(doc));
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "attempts")->valueint, 2);
	ck_assert_str_eq(
	        cw_json_string(cJSON_GetObjectItem(doc, "result"), "state"),
	        "issued-before");
	cJSON_Delete(doc);
	ck_assert_int_eq(count_rows("badge_credentials"), before + 4);
	/* a batch with a bad row: the job fails, its row points at it */
	ck_assert_int_eq(
	        admin("POST", token,
	              "/admin/v1/badges/credentials/batch?tenant=d1&async=true",
	              "{\"credentials\":[{\"achievement\":\"" ACH
	              "\",\"recipient\":\"not@an@email\"}]}",
	              &doc),
	        202);
	job = (long long)cJSON_GetObjectItem(doc, "job_id")->valuedouble;
	cJSON_Delete(doc);
	doc = wait_job(token, job);
	ck_assert_str_eq(cw_json_string(doc, "state"), "failed");
	result = cJSON_GetObjectItem(doc, "result");
	ck_assert_str_eq(cw_json_string(result, "state"), "invalid");
	ck_assert_str_eq(
	        cw_json_string(
	                cJSON_GetArrayItem(
	                        cJSON_GetObjectItem(result, "errors"), 0),
	                "pointer"),
	        "/credentials/0/recipient");
	cJSON_Delete(doc);
	ck_assert_int_eq(count_rows("badge_credentials"), before + 4);
	ck_assert_int_eq(
	        cwt_store_count_settles(&env, "SELECT count(*) FROM blobs", 0),
	        0);
	/* OB 2.0 in a batch too */
	ck_assert_int_eq(
	        admin("POST", token,
	              "/admin/v1/badges/credentials/batch?tenant=d1",
	              "{\"version\":2,\"credentials\":[{\"achievement\":\"" ACH
	              "\",\"recipient\":\"a@b.org\"}]}",
	              NULL),
	        201);
	ck_assert_int_eq(count_rows("badge_assertions"), 1);
	/* and from the CLI */
	static const char csv[] =
	        "recipient,achievement\na@b.org," ACH "\nS-78," ACH "\n";
	const char *batch = write_file("b.csv", csv, strlen(csv));
	ck_assert_msg(RUN("badge", "issue", "--tenant", "d1", "--batch", batch,
	                  "--version", "2") == 0,
	              "%s", cw_buf_cstr(&err));
	ck_assert_int_eq(count_rows("badge_assertions"), 3);
	/* status lists */
	snprintf(path, sizeof(path),
	         "/admin/v1/badges/issuers/%s/status-list?tenant=d1", web);
	cwt_http res;
	char auth[100];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	const char *headers[] = { auth, NULL };
	cwt_request(&res, &daemon_, "GET", path, headers, NULL);
	ck_assert_int_eq(res.status, 200);
	doc = cwt_json(&res);
	cwt_http_dispose(&res);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(doc, "statusListCredential"));
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(doc, "revocationList"));
	cJSON_Delete(doc);
	/* issuers named by the gateway over the API too */
	ck_assert_int_eq(
	        admin("POST", token, "/admin/v1/badges/issuers?tenant=d1",
	              "{\"name\":\"API Web\",\"id_kind\":\"did:web\"}", &doc),
	        201);
	ck_assert_int_eq(strncmp(cw_json_string(doc, "issuerId"),
	                         "did:web:127.0.0.1%3A", 20),
	                 0);
	cJSON_Delete(doc);
	ck_assert_int_eq(
	        admin("POST", token, "/admin/v1/badges/issuers?tenant=d1",
	              "{\"name\":\"X\",\"id_kind\":\"did:foo\"}", NULL),
	        422);
	/* another tenant's admin */
	cwt_client_add(&env, "d2", "urn:crosswalk:scope:admin", cid, secret);
	ck_assert_int_eq(cwt_token(other, &daemon_, cid, secret, NULL), 0);
	snprintf(path, sizeof(path),
	         "/admin/v1/badges/issuers/%s/rotate-key?tenant=d1", web);
	ck_assert_int_eq(admin("POST", other, path, "{}", NULL), 403);
	snprintf(path, sizeof(path), "/admin/v1/badges/issuers/%s/rotate-key",
	         web);
	ck_assert_int_eq(admin("POST", other, path, "{}", NULL), 404);
	ck_assert_int_eq(admin("POST", other,
	                       "/admin/v1/badges/credentials/batch",
	                       "{\"credentials\":[{\"achievement\":\"" ACH
	                       "\",\"recipient\":\"a@b.org\"}]}",
	                       &doc),
	                 422);
	cJSON_Delete(doc);
	snprintf(path, sizeof(path), "/admin/v1/badges/issuers/%s/status-list",
	         web);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", other);
	cwt_request(&res, &daemon_, "GET", path, headers, NULL);
	ck_assert_int_eq(res.status, 404);
	cwt_http_dispose(&res);
}
END_TEST

Suite *suite_badge_hosting(void)
{
	Suite *s = suite_create("badge_hosting");
	TCase *t = tcase_create("hosting");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, ob2_hosted_assertion);
	tcase_add_test(t, ob2_signed_assertion);
	tcase_add_test(t, did_web_and_hosted_issuers);
	tcase_add_test(t, admin_rotation_batch_status);
	suite_add_tcase(s, t);
	return s;
}
