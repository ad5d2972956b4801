/* The authorization server of the Open Badges 3.0 API: holders (the
 * resource owners, who sign in with a passcode), clients that register
 * themselves (RFC 7591), the authorization code grant with PKCE S256 only
 * (RFC 6749 §4.1, RFC 7636), rotating refresh tokens and revocation
 * (RFC 7009). Every secret is stored only hashed. */
#ifndef CW_ENGINE_OB3_AUTH_H
#define CW_ENGINE_OB3_AUTH_H

#include "store/store.h"

#include <cjson/cJSON.h>
#include <stdint.h>

#define CW_OB3_SCOPE_PREFIX            "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
#define CW_OB3_SCOPE_CREDENTIAL_READ   CW_OB3_SCOPE_PREFIX "credential.readonly"
#define CW_OB3_SCOPE_CREDENTIAL_UPSERT CW_OB3_SCOPE_PREFIX "credential.upsert"
#define CW_OB3_SCOPE_PROFILE_READ      CW_OB3_SCOPE_PREFIX "profile.readonly"
#define CW_OB3_SCOPE_PROFILE_UPDATE    CW_OB3_SCOPE_PREFIX "profile.update"
/* What a client may ask for: the four, and offline_access, which changes
 * nothing (every grant gets a refresh token) but clients send it. */
extern const char *const cw_ob3_scopes[];

#define CW_OB3_SECRET_LEN     43  /* base64url of 32 random bytes */
#define CW_OB3_PASSCODE_LEN   20  /* base64url of 15 random bytes */
#define CW_OB3_LOGIN_MAX      256 /* a holder's login (recipient id) */
#define CW_OB3_STATE_MAX      512 /* the client's state parameter */
#define CW_OB3_URI_MAX        2048
#define CW_OB3_REDIRECTS_MAX  8
#define CW_OB3_FORM_TTL_MS    (10L * 60 * 1000) /* the consent form */
#define CW_OB3_CODE_TTL_MS    (60L * 1000)      /* an authorization code */
#define CW_OB3_REFRESH_TTL_MS (30LL * 24 * 3600 * 1000)

/* ---- pure checks --------------------------------------------------------- */

/** 0 when uri may be a redirect URI: absolute https, or http on a loopback
 *  host (127.0.0.1, [::1], localhost); no fragment, no userinfo, capped.
 *  CW_EINVAL with the reason. */
int cw_ob3_redirect_uri_check(const char *uri);
/** 1 when BASE64URL(SHA-256(verifier)) is challenge and the verifier is
 *  43 to 128 unreserved characters (RFC 7636 §4.1, §4.6). */
int cw_ob3_pkce_matches(const char *challenge, const char *verifier);
/** Normalises a scope list of OB 3.0 scopes (space separated, duplicates
 *  dropped) into out; CW_EINVAL names an unknown one. */
int cw_ob3_scope_normalize(cw_buf *out, const char *list);

/**
 * The registration checks of cw_ob3_register, pure: the metadata kept goes
 * into kept (an object), the redirect URIs one per line into lines, the
 * normalised scope into scopes. CW_EINVAL with *error the RFC 7591 code.
 */
int cw_ob3_client_metadata_check(cJSON *kept, cw_buf *lines, cw_buf *scopes,
                                 const cJSON *metadata, const char **error);

/* ---- holders ------------------------------------------------------------- */

typedef struct {
	int64_t id;
	char tenant[CW_TENANT_NAME_MAX + 1];
	char passcode[CW_OB3_PASSCODE_LEN + 1]; /* shown once */
} cw_ob3_new_holder;

/**
 * Creates a holder of tenant who signs in as login (an email address, a
 * DID or a sourcedId: the recipient credentials are issued to). Audited as
 * actor. CW_ENOTFOUND (tenant), CW_EINVAL, CW_EEXISTS.
 */
int cw_ob3_holder_create(cw_ob3_new_holder *out, cw_store *store,
                         const char *tenant, const char *login,
                         const char *actor);
/** [{"id", "login", "created_at"}] of the tenant's holders. */
int cw_ob3_holder_list(cJSON **out, cw_store *store, const char *tenant);

/* ---- registration -------------------------------------------------------- */

/**
 * Registers a client from RFC 7591 metadata: client_name and redirect_uris
 * required; grant_types ⊆ {authorization_code, refresh_token},
 * response_types ⊆ {code}, token_endpoint_auth_method client_secret_basic,
 * scope OB 3.0 scopes (default all), the *_uri members absolute URLs.
 * *out is the response (client_id, client_secret, client_id_issued_at,
 * client_secret_expires_at 0 and the metadata). CW_EINVAL with *error the
 * RFC 7591 code (invalid_redirect_uri, invalid_client_metadata).
 */
int cw_ob3_register(cJSON **out, const char **error, cw_store *store,
                    const cJSON *metadata);

/** CW_EAUTH (message says why) unless the client exists with that secret. */
int cw_ob3_client_authenticate(cw_store *store, const char *client_id,
                               const char *secret);

/* ---- authorization ------------------------------------------------------- */

typedef struct {
	const char *response_type, *client_id, *redirect_uri, *scope, *state;
	const char *code_challenge, *code_challenge_method;
} cw_ob3_authorize_request;

/** A request waiting for the holder: what the form shows and carries. */
typedef struct {
	char form_token[CW_OB3_SECRET_LEN + 1]; /* one-time, in the form */
	char *client_name, *client_uri, *scopes;
	char *redirect_uri, *state; /* where errors go once they are known */
} cw_ob3_pending;

void cw_ob3_pending_dispose(cw_ob3_pending *p);

/**
 * Checks an authorization request and records it for the consent form.
 * CW_ENOTFOUND / CW_EINVAL with *error NULL when the client or its
 * redirect_uri is wrong: nothing may be redirected. CW_EINVAL with *error
 * an RFC 6749 §4.1.2.1 code (invalid_request, invalid_scope,
 * unsupported_response_type) once out->redirect_uri is known.
 */
int cw_ob3_authorize_begin(cw_ob3_pending *out, const char **error,
                           cw_store *store,
                           const cw_ob3_authorize_request *request);

/**
 * The holder answered the form whose token is form_token. approve 0: the
 * location carries error=access_denied. Otherwise the holder signs in as
 * login of tenant with passcode: CW_EAUTH when that fails, with again a
 * fresh form for the same request. On success *location (cw_free) is the
 * redirect URI with a single-use code and the state. CW_ENOTFOUND when the
 * form is unknown, used or expired.
 */
int cw_ob3_authorize_finish(char **location, cw_ob3_pending *again,
                            cw_store *store, const char *form_token,
                            const char *tenant, const char *login,
                            const char *passcode, int approve);

/* ---- tokens -------------------------------------------------------------- */

typedef struct {
	char access_token[CW_OB3_SECRET_LEN + 1];
	char refresh_token[CW_OB3_SECRET_LEN + 1];
	char *scopes;
	long expires_in;
} cw_ob3_tokens;

void cw_ob3_tokens_dispose(cw_ob3_tokens *t);

/** Exchanges a code for tokens (authenticated client_id). CW_EINVAL
 *  (invalid_grant, message says why) for a wrong, reused, expired or
 *  foreign code, redirect_uri or code_verifier. */
int cw_ob3_token_from_code(cw_ob3_tokens *out, cw_store *store,
                           const char *client_id, const char *code,
                           const char *redirect_uri, const char *verifier,
                           long ttl_s);
/** Rotates a refresh token: the old one is used up, a reused one revokes
 *  the grant. scope NULL keeps the grant's, else a subset. CW_EINVAL
 *  (invalid_grant; invalid_scope with *scope_error set). */
int cw_ob3_token_refresh(cw_ob3_tokens *out, int *scope_error, cw_store *store,
                         const char *client_id, const char *refresh,
                         const char *scope, long ttl_s);
/** RFC 7009: revokes the grant of an access or refresh token of the
 *  client; unknown tokens are not an error. */
int cw_ob3_token_revoke(cw_store *store, const char *client_id,
                        const char *token);
/** Resolves a bearer token of the OB 3.0 API: out as for a client token,
 *  *holder_id its holder. CW_EAUTH when unknown, expired or revoked. */
int cw_ob3_token_check(cw_token_info *out, int64_t *holder_id, cw_store *store,
                       const char *token, int64_t now_ms);

#endif
