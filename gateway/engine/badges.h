/* Open Badges issuing: issuers and their signing keys (sealed under the
 * master key, rotated), achievements (from JSON or a CASE item), OB 3.0
 * OpenBadgeCredentials signed with Data Integrity (eddsa-rdfc-2022) or
 * VC-JWT, OB 2.0 assertions (hosted or signed), batches, revocation, each
 * issuer's status lists and the public documents verifiers fetch. */
#ifndef CW_ENGINE_BADGES_H
#define CW_ENGINE_BADGES_H

#include "crypto/key.h"
#include "jsonld/loader.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/secretbox.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define CW_BADGE_VC2_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define CW_BADGE_OB3_CONTEXT                                                   \
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define CW_BADGE_OB2_CONTEXT "https://w3id.org/openbadges/v2"
#define CW_BADGE_BATCH_MAX   100000 /* rows of one batch */
#define CW_BADGE_ERRORS_MAX  100    /* row errors reported per batch */

/** What every call needs, passed explicitly. */
typedef struct {
	cw_store *store;
	const unsigned char *master_key; /* CW_SECRETBOX_KEY_LEN bytes */
	/* The public origin status lists and key documents live under
	 * (http(s)://HOST[:PORT][/PATH]; a trailing '/' is ignored). */
	const char *base_url;
	const cw_jsonld_loader *loader; /* NULL: the embedded contexts */
} cw_badges;

typedef struct {
	const char *name;                              /* required */
	const char *url, *email, *description, *image; /* NULL: none */
	/* 0, or CW_KEY_RSA / CW_KEY_P256: a VC-JWT key besides Ed25519 */
	int jwt_key_type;
	/* NULL or "default": the id is url, else a did:key; "hosted":
	 * BASE/badges/TENANT/issuers/ID; "did:web": did:web:HOST[%3APORT]
	 * [:PATH]:badges:TENANT:issuers:ID (its did.json under that URL) */
	const char *id_kind;
} cw_badge_issuer_spec;

/**
 * Creates an issuer with a new Ed25519 key (and the VC-JWT key asked for)
 * and its revocation list. Its public id is url, or the did:key of its
 * active Ed25519 key without one. *out describes it (cw_badges_issuer_get).
 * CW_ENOTFOUND for an unknown tenant, CW_EINVAL for a bad spec.
 */
int cw_badges_issuer_create(cJSON **out, const cw_badges *b, const char *tenant,
                            const cw_badge_issuer_spec *spec);
/**
 * {"id" (the handle commands take), "issuerId" (the public id), "name",
 * "url", …, "statusListCredential", "keys": [{"kid", "type", "status",
 * "created", "retired", "verificationMethod"}]}. No private material.
 */
int cw_badges_issuer_get(cJSON **out, const cw_badges *b, const char *tenant,
                         const char *issuer);
/** An array of cw_badges_issuer_get for each of the tenant's issuers. */
int cw_badges_issuer_list(cJSON **out, const cw_badges *b, const char *tenant);
/** A new active key of type (Ed25519, or the JWT key type) replacing the
 *  active one, which is kept for verification; *out as issuer_get. */
int cw_badges_issuer_rotate(cJSON **out, const cw_badges *b, const char *tenant,
                            const char *issuer, cw_key_type type);
/**
 * The controller document of an issuer with a URL, to serve at it:
 * {"@context", "id", "assertionMethod": [Multikey (or JsonWebKey for RSA)
 * of every key, retired ones too: they still verify what they signed]}.
 */
int cw_badges_controller_document(cJSON **out, const cw_badges *b,
                                  const char *tenant, const char *issuer);
/**
 * The issuer's OB 3.0 Profile {"@context", id, type Profile, name, url,
 * email, description, image}. For a hosted issuer, served at its id, it is
 * its controller document too (assertionMethod as above).
 */
int cw_badges_issuer_profile(cJSON **out, const cw_badges *b,
                             const char *tenant, const char *issuer);
/**
 * The DID document of a did:web issuer: verificationMethod (Multikey, or
 * JsonWebKey2020 for RSA) of every key, retired ones too, each listed in
 * assertionMethod. CW_ENOTFOUND for an issuer of another id kind.
 */
int cw_badges_did_document(cJSON **out, const cw_badges *b, const char *tenant,
                           const char *issuer);
/** BASE/badges/TENANT/issuers/ISSUER[/tail] (tail NULL or ""). */
int cw_badges_issuer_url(cw_buf *out, const cw_badges *b, const char *tenant,
                         const char *issuer, const char *tail);
/** BASE/badges/TENANT/issuers/ISSUER/status/revocation, where the issuer's
 *  BitstringStatusListCredential is published. */
int cw_badges_status_list_url(cw_buf *out, const cw_badges *b,
                              const char *tenant, const char *issuer);
/** BASE/badges/TENANT/issuers/ISSUER/revocations (1EdTechRevocationList). */
int cw_badges_revocation_list_url(cw_buf *out, const cw_badges *b,
                                  const char *tenant, const char *issuer);

/**
 * Defines (or redefines) an achievement of issuer from an OB 3.0
 * Achievement: id (URI), type Achievement, name, description, criteria
 * (narrative or id) required; achievementType from the OB enum or ext:;
 * every term must be one the OB 3.0 context defines. *out is the stored
 * document. CW_EINVAL (message names the member).
 */
int cw_badges_achievement_add(cJSON **out, const cw_badges *b,
                              const char *tenant, const char *issuer,
                              const cJSON *achievement);
/**
 * The same from a CFItem the tenant's CASE store holds: id
 * urn:uuid:IDENTIFIER, achievementType Competency, name its
 * humanCodingScheme (else abbreviatedStatement, else fullStatement),
 * description and criteria its fullStatement, one Alignment (CFItem,
 * targetCode the identifier, targetUrl its uri, targetName its
 * fullStatement, targetFramework its CFDocument's title).
 */
int cw_badges_achievement_from_case(cJSON **out, const cw_badges *b,
                                    const char *tenant, const char *issuer,
                                    const char *item);

typedef struct {
	const char *achievement; /* its id */
	/* an email address (has '@'), a DID (did:…: the subject's id), else
	 * a sourcedId; emails and sourcedIds go in hashed and salted */
	const char *recipient;
	const char *issuer; /* NULL: the achievement's */
	/* OB 3.0 "di" (NULL) or "jwt"; OB 2.0 "ob2-hosted" or "ob2-signed"
	 * (RS256 JWS: the issuer needs an RSA key) */
	const char *format;
	const cJSON *results;  /* array of Result objects, or NULL */
	const cJSON *evidence; /* array of Evidence objects, or NULL */
	/* More members of the credentialSubject (source, activityStartDate,
	 * activityEndDate, creditsEarned …), or NULL; terms the OB 3.0
	 * context lacks are refused as any. */
	const cJSON *subject;
	/* The credential's id, urn:uuid:… (NULL: a random one): a caller that
	 * may issue the same credential again after a crash names it, and
	 * finds it in the store first. */
	const char *id;
} cw_badge_request;

typedef struct {
	char id[48];      /* urn:uuid:… */
	char *credential; /* the signed text: JSON, or the compact JWS */
	const char *format;
} cw_badge_issued;

/** Issues, signs and stores one OpenBadgeCredential. CW_ENOTFOUND when the
 *  tenant has no such achievement or issuer, CW_EINVAL for a bad request. */
int cw_badges_issue(cw_badge_issued *out, const cw_badges *b,
                    const char *tenant, const cw_badge_request *request);
void cw_badge_issued_dispose(cw_badge_issued *issued);

/**
 * Issues count requests (count > 0, one format: the first's) in one
 * transaction: all or none. out[count] receives each (dispose each).
 * When a request is wrong, *failed is its index (message set) and nothing
 * is issued; *failed is count otherwise.
 */
int cw_badges_issue_many(cw_badge_issued *out, const cw_badges *b,
                         const char *tenant, const cw_badge_request *requests,
                         size_t count, size_t *failed);

/* ---- OB 2.0 hosting ---------------------------------------------------- */

/*
 * The documents an OB 2.0 verifier fetches, under BASE/badges/TENANT/:
 * assertions/UUID (hosted Assertion), badgeclasses/KEY (BadgeClass; KEY the
 * base64url of the achievement id), issuers/ID/ob2 (Issuer Profile, with
 * publicKey and revocationList), issuers/ID/ob2/keys/KID (CryptographicKey
 * of an RSA key) and issuers/ID/ob2/revocations (RevocationList).
 */

/** The hosted Assertion of uuid (a bare UUID or urn:uuid:UUID). A revoked
 *  one carries "revoked": true and "revocationReason", and *revoked is 1.
 *  CW_ENOTFOUND for an unknown or signed assertion. */
int cw_badges_ob2_assertion(cJSON **out, int *revoked, const cw_badges *b,
                            const char *tenant, const char *uuid);
/** The BadgeClass of the achievement whose id base64url-encodes to key. */
int cw_badges_ob2_badgeclass(cJSON **out, const cw_badges *b,
                             const char *tenant, const char *key);
int cw_badges_ob2_profile(cJSON **out, const cw_badges *b, const char *tenant,
                          const char *issuer);
/** CW_ENOTFOUND unless kid is one of the issuer's RSA keys. */
int cw_badges_ob2_key(cJSON **out, const cw_badges *b, const char *tenant,
                      const char *issuer, const char *kid);
int cw_badges_ob2_revocation_list(cJSON **out, const cw_badges *b,
                                  const char *tenant, const char *issuer);

/** A row of a batch that cannot be issued: its line in the file. */
typedef void (*cw_badge_row_error_cb)(unsigned long line, const char *message,
                                      void *payload);

/**
 * Issues a batch: CSV (header recipient,achievement and optionally
 * result, result_status, achieved_level, result_description, evidence) or
 * a JSON array of {recipient, achievement, issuer?, results?, evidence?}.
 * Every row is checked first; when any is wrong each is reported
 * (on_error, by line) and nothing is issued (CW_EINVAL). Otherwise all are
 * signed and stored in one transaction; *out lists
 * [{"line", "id", "recipient", "achievement"}].
 */
int cw_badges_issue_batch(cJSON **out, const cw_badges *b, const char *tenant,
                          const char *text, size_t len, int csv,
                          const char *format, cw_badge_row_error_cb on_error,
                          void *payload);

/** Revokes a credential of the tenant (its status bit is set from now on).
 *  CW_ENOTFOUND, CW_EEXISTS when revoked already. */
int cw_badges_revoke(const cw_badges *b, const char *tenant,
                     const char *credential, const char *reason);
/**
 * The issuer's BitstringStatusListCredential (statusPurpose revocation,
 * encodedList "u" + base64url of the GZIP of the bits, index 0 the most
 * significant bit of the first byte), signed with its active Ed25519 key.
 */
int cw_badges_status_list(cJSON **out, const cw_badges *b, const char *tenant,
                          const char *issuer);
/** The same for the issuer's status list number (0 is the one above; list
 *  n, at its URL + "/n", holds indexes n * 131072 on, once one of them is
 *  handed out): CW_ENOTFOUND for a list not begun. */
int cw_badges_status_list_n(cJSON **out, const cw_badges *b, const char *tenant,
                            const char *issuer, int64_t number);
/** The list number of a URL segment ("1" … "1023", no leading zero), or
 *  -1. */
int64_t cw_badges_status_list_number(const char *segment);
/** The issuer's 1EdTechRevocationList: {id, issuer, revokedCredential:
 *  [{id, revoked, revocationReason}]} (unsigned). */
int cw_badges_revocation_list(cJSON **out, const cw_badges *b,
                              const char *tenant, const char *issuer);

/**
 * The document at url when it is one of this gateway's own public badge
 * documents (under BASE/badges/: an issuer's id URL, status list,
 * revocation lists, DID document, OB 2.0 profile and keys; hosted OB 2.0
 * assertions and BadgeClasses), built from the store as the daemon serves
 * it to machines; *out is cw_malloc'd JSON text, *status 200, or 410 for
 * a revoked hosted assertion. CW_ENOTFOUND when url is not one of them.
 */
int cw_badges_local_document(char **out, long *status, const cw_badges *b,
                             const char *url);

/**
 * A CLR 2.0 ClrCredential of a student: every credential (JSON) the tenant
 * issued to student (a sourcedId) or email (may be NULL), their
 * achievements, and associations mirroring the CASE associations between
 * the achievements' CFItems; signed by issuer (NULL: the tenant's first)
 * with Data Integrity when the loader has the CLR 2.0 context, else as a
 * VC-JWT (*format "di" or "jwt"). *count: the credentials bundled.
 * CW_ENOTFOUND when the student has none.
 */
int cw_badges_clr_build(char **out, const char **format, size_t *count,
                        const cw_badges *b, const char *tenant,
                        const char *student, const char *email,
                        const char *name, const char *issuer);

/** A credentialSubject's result list: one Result with what is given
 *  (resultDescription id, value, achievedLevel, status), or NULL when
 *  nothing is. */
cJSON *cw_badges_result_list(const char *value, const char *status,
                             const char *level, const char *description);

/**
 * An issuer's private key sealed by an issuer of tenant from_tenant, sealed
 * again (same master key) as the same issuer's of tenant to_tenant: the
 * sealing is bound to the tenant's id, which `crosswalk migrate` changes.
 * *out cw_free'd; CW_EAUTH when it does not open under master_key.
 */
int cw_badge_key_reseal(char **out, const unsigned char *master_key,
                        const char *sealed, int64_t from_tenant,
                        int64_t to_tenant, const char *issuer, const char *kid);

#endif
