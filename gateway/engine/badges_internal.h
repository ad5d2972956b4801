/* Internals shared by the badge engine's files (engine/badges.h). */
#ifndef CW_ENGINE_BADGES_INTERNAL_H
#define CW_ENGINE_BADGES_INTERNAL_H

#include "engine/badges.h"

#include <stdint.h>

#define CW_BADGE_UUID_URN_LEN 45 /* "urn:uuid:" + 36 */

/* An issuer loaded with its active keys (private when asked for). */
typedef struct {
	int64_t tenant_id;
	char *tenant;
	char *handle, *name, *url, *email, *description, *image;
	/* the stored hosted URL or did:web, else url, else the did:key of
	 * the active Ed25519 key */
	char *public_id;
	char *kind;            /* "default", "hosted" or "did:web" */
	cw_key *ed25519, *jwt; /* active keys; jwt NULL when none */
	char *ed25519_kid, *jwt_kid;
	cw_key *rsa;   /* the active RSA key (OB 2.0 JWS), or NULL */
	char *rsa_kid; /* its kid */
	cJSON *keys;   /* every key, described (no private material) */
} cw_badge_issuer_ctx;

int cw_badges__tenant_id(int64_t *out, cw_store *store, const char *tenant);
/** Loads an issuer of the tenant; its active keys opened under the master
 *  key when with_private. CW_ENOTFOUND. */
int cw_badges__issuer_load(cw_badge_issuer_ctx *out, const cw_badges *b,
                           const char *tenant, const char *handle,
                           int with_private);
void cw_badges__issuer_dispose(cw_badge_issuer_ctx *issuer);
/** 1 when the issuer's id is the daemon's (hosted URL or did:web). */
int cw_badges__named_by_gateway(const cw_badge_issuer_ctx *issuer);
/** BASE/badges/TENANT/tail. */
int cw_badges__tenant_url(cw_buf *out, const cw_badges *b, const char *tenant,
                          const char *tail);
/** The verification method of one of the issuer's keys: did:key VM when
 *  the issuer is a did:key, else URL#KID; "" (nothing appended) for an RSA
 *  key of a did:key issuer. */
int cw_badges__vm(cw_buf *out, const cw_badge_issuer_ctx *issuer,
                  const cw_key *key, const char *kid);
/** A random version 4 UUID: "urn:uuid:…" when urn, else the bare UUID. */
int cw_badges__uuid(char out[CW_BADGE_UUID_URN_LEN + 1], int urn);
/** Now as an XSD dateTime to the second ("2026-01-02T03:04:05Z"). */
void cw_badges__now(char out[32]);
/** [IdentityObject]: recipient (an email, else a sourcedId) as a salted
 *  sha256$ hash, a fresh salt each time; NULL when out of memory. */
cJSON *cw_badges__identifier(const char *recipient);
/** The issuer's Profile {id, type, name, url?, email?, description?,
 *  image?}. */
cJSON *cw_badges__profile(const cw_badge_issuer_ctx *issuer);
/** Signs with Data Integrity (the Ed25519 key) into *out. */
int cw_badges__sign_di(cJSON **out, const cw_badges *b,
                       const cw_badge_issuer_ctx *issuer,
                       const cJSON *credential);
/** The achievement's checks (cw_badges_achievement_add). */
int cw_badges__achievement_check(const cJSON *achievement);
/** Every term of the achievement defined by the contexts: a trial signing
 *  of a credential embedding it with a throwaway key. */
int cw_badges__achievement_terms(const cw_badges *b, const cJSON *achievement);

/** What OB 2.0 issuing refuses: results; signed without an RSA key. */
int cw_badges__ob2_check(const cw_badge_issuer_ctx *issuer, int is_signed,
                         const cJSON *results);
/** An OB 2.0 Assertion of achievement for recipient (id its urn:uuid):
 *  *json the Assertion, *jws its RS256 compact JWS when is_signed. */
int cw_badges__ob2_make(char **json, char **jws, const cw_badges *b,
                        const cw_badge_issuer_ctx *issuer, const char *id,
                        const char *achievement, const char *recipient,
                        const cJSON *evidence, int is_signed, const char *now);

#endif
