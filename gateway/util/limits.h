/* Every input limit of the gateway, in one place. The config can change the
 * defaults between the MIN and MAX named here. The config defaults are plain
 * literals because the config table turns them into text. */
#ifndef CW_UTIL_LIMITS_H
#define CW_UTIL_LIMITS_H

/* HTTP request body (bytes), default and bounds. */
#define CW_LIMIT_BODY_DEFAULT 1048576
#define CW_LIMIT_BODY_MIN     1024
#define CW_LIMIT_BODY_MAX     1073741824

/* Request line plus headers (bytes). */
#define CW_LIMIT_HEADERS_DEFAULT 16384
#define CW_LIMIT_HEADERS_MIN     2048
#define CW_LIMIT_HEADERS_MAX     1048576

/* Nesting depth of any JSON document the gateway parses. */
#define CW_LIMIT_JSON_DEPTH_DEFAULT 64
#define CW_LIMIT_JSON_DEPTH_MIN     2
#define CW_LIMIT_JSON_DEPTH_MAX     1000

/* Concurrent HTTP connections. */
#define CW_LIMIT_CONNECTIONS_DEFAULT 1024
#define CW_LIMIT_CONNECTIONS_MIN     1
#define CW_LIMIT_CONNECTIONS_MAX     65536

/* Idle connection timeout (seconds). */
#define CW_LIMIT_TIMEOUT_DEFAULT 30
#define CW_LIMIT_TIMEOUT_MIN     1
#define CW_LIMIT_TIMEOUT_MAX     3600

/* Lifetime of an access token (seconds). */
#define CW_LIMIT_TOKEN_TTL_DEFAULT 3600
#define CW_LIMIT_TOKEN_TTL_MIN     1
#define CW_LIMIT_TOKEN_TTL_MAX     86400

/* An uploaded file (a roster zip), streamed to disk. */
#define CW_LIMIT_UPLOAD_DEFAULT 536870912
#define CW_LIMIT_UPLOAD_MIN     1048576
#define CW_LIMIT_UPLOAD_MAX     17179869184

/* Worker threads of the HTTP server (0: one per core). */
#define CW_LIMIT_WORKERS_MAX 256

/* Small fixed caps. */
#define CW_LIMIT_CONFIG_FILE       (256L * 1024) /* the config file */
#define CW_LIMIT_CONFIG_LINE       4096L         /* one config line */
#define CW_LIMIT_SCOPE_STRING      4096L         /* a client's scope list */
#define CW_LIMIT_SCOPES            64L           /* scopes in one list */
#define CW_LIMIT_NAME              63L           /* tenant names */
#define CW_LIMIT_AUTH_HEADER       1024L         /* Authorization header */
#define CW_LIMIT_FORM_FIELDS       32L           /* fields in a form body */
#define CW_LIMIT_FORM_BODY         (16L * 1024)  /* body of POST /oauth/token */
#define CW_LIMIT_RESPONSE          (64L * 1024 * 1024) /* one response body */
#define CW_LIMIT_LOG_LINE          8192L               /* one log line */
#define CW_LIMIT_CSV_FIELD         (64L * 1024)        /* one CSV field */
#define CW_LIMIT_CSV_RECORD        (1024L * 1024)      /* one CSV record */
#define CW_LIMIT_CSV_FIELDS        1024L        /* fields in one record */
#define CW_LIMIT_ZIP_BYTES         (8LL << 30)  /* a zip, expanded */
#define CW_LIMIT_ZIP_RATIO         200LL        /* expanded / zipped */
#define CW_LIMIT_DIAGNOSTICS_SHOWN 10000L       /* problems printed per run */
#define CW_LIMIT_CASE_PACKAGE      (512L << 20) /* a CFPackage, as JSON text */
#define CW_LIMIT_FETCH_TIMEOUT     120L         /* seconds for one pull */
#define CW_LIMIT_SHUTDOWN_DRAIN_MS 4000L        /* in-flight drain on SIGTERM */
#define CW_LIMIT_SEALED_PLAIN      4096L        /* a secret sealed at rest */
#define CW_LIMIT_SEALED_TEXT       8192L        /* its sealed text */

/* OAuth 1.0a signed requests (RFC 5849) on the OneRoster 1.1 routes. */
#define CW_LIMIT_OAUTH1_WINDOW_S 300L         /* oauth_timestamp: now +- this */
#define CW_LIMIT_OAUTH1_NONCE    128L         /* oauth_nonce length */
#define CW_LIMIT_OAUTH1_PARAMS   256L         /* parameters signed */
#define CW_LIMIT_OAUTH1_BASE     (64L * 1024) /* signature base string */

/* N-Quads and RDF Dataset Canonicalization (RDFC-1.0). */
#define CW_LIMIT_NQUADS_BYTES (64L << 20) /* an N-Quads document */
#define CW_LIMIT_NQUADS_QUADS 1000000L    /* quads in one dataset */
#define CW_LIMIT_RDFC_WORK    200000L /* hash N-degree calls + permutations */
#define CW_LIMIT_RDFC_DEPTH   1024L   /* hash N-degree recursion depth */
#define CW_LIMIT_RDFC_OUTPUT  (512L << 20) /* the canonical document */

#define CW_LIMIT_JSONLD_WORK      2000000L   /* nodes and terms per expansion */
#define CW_LIMIT_JSONLD_CONTEXTS  64L        /* remote contexts per expansion */
#define CW_LIMIT_JSONLD_DEPTH     256L       /* nested objects and arrays */
#define CW_LIMIT_JSONLD_DOCUMENT  (1L << 20) /* one loaded document, as JSON */
#define CW_LIMIT_JSONLD_DOCUMENTS 1024L      /* documents in one loader */
#define CW_LIMIT_JSONLD_PINS      4096L      /* jsonld_context_pins text */

/* Keys, JWS and VC-JWT (gateway/crypto). */
#define CW_LIMIT_BASE58_TEXT  1024L          /* base58btc text decoded */
#define CW_LIMIT_BASE58_BYTES 700L           /* bytes base58btc-encoded */
#define CW_LIMIT_DID_URL      2048L          /* a did:key DID URL */
#define CW_LIMIT_JWS_BYTES    (1024L * 1024) /* a compact JWS */
#define CW_LIMIT_JWS_HEADER   (8L * 1024)    /* its decoded JOSE header */
#define CW_LIMIT_JWS_DEPTH    16             /* JSON nesting in the header */
#define CW_LIMIT_KEYFILE      (64L * 1024)   /* a key file */

/* Badge verification (gateway/badge/verify.h). */
#define CW_LIMIT_BADGE_INPUT         (8L << 20)  /* a credential to verify */
#define CW_LIMIT_BADGE_FETCH_BYTES   (1L << 20)  /* one fetched document */
#define CW_LIMIT_BADGE_FETCH_TIMEOUT 10L         /* seconds per fetch */
#define CW_LIMIT_BADGE_FETCHES       64          /* fetches per verification */
#define CW_LIMIT_BADGE_NESTED        64          /* CLR nested credentials */
#define CW_LIMIT_BADGE_KEY_URLS      16          /* key documents fetched */
#define CW_LIMIT_STATUS_LIST_BYTES   (16L << 20) /* an inflated bitstring */
/* Clock skew allowed for the validFrom of a status list credential, which
 * its server signs when serving it (ms). */

/* Baked badge images (gateway/badge): PNG chunks, SVG documents, payloads. */
#define CW_LIMIT_BADGE_IMAGE      (64L << 20) /* a PNG image */
#define CW_LIMIT_BADGE_PNG_CHUNK  (16L << 20) /* one PNG chunk's data */
#define CW_LIMIT_BADGE_PNG_CHUNKS 10000L      /* chunks in one PNG */
#define CW_LIMIT_BADGE_SVG        (16L << 20) /* an SVG document */
#define CW_LIMIT_BADGE_SVG_DEPTH  128L        /* element nesting in an SVG */
#define CW_LIMIT_BADGE_PAYLOAD                                                 \
	(8L << 20) /* the baked credential text,                               \
	            * also the inflate cap */

#endif
