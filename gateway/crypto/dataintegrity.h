/* Data Integrity proofs: eddsa-rdfc-2022 create and verify, and verify of
 * the older eddsa-2022 and Ed25519Signature2020 proofs (VC 1.1 and 2.0).
 * Pure code: keys come from did:key or from documents a loader serves. */
#ifndef CW_CRYPTO_DATAINTEGRITY_H
#define CW_CRYPTO_DATAINTEGRITY_H

#include "crypto/key.h"
#include "jsonld/jsonld.h"
#include "util/hash.h"

#include <cjson/cJSON.h>

typedef struct {
	const char *verification_method; /* required */
	const char *created;             /* XSD dateTime; NULL: now (seconds) */
	const char *proof_purpose;       /* NULL: "assertionMethod" */
	const cw_jsonld_loader *loader;  /* NULL: the embedded contexts */
	/* NULL: "eddsa-rdfc-2022"; "eddsa-2022" (its earlier name, the same
	 * algorithm) for issuers whose verifiers predate the rename */
	const char *cryptosuite;
} cw_di_sign_options;

/* What a sign or verify did, step by step (for --json and debugging). */
typedef struct {
	char type[40]; /* proof type */
	char cryptosuite[40];
	char verification_method[512];
	char step[32]; /* the step that failed: "proof", "canonize", … */
	char message[512];
	char proof_hash[2 * CW_SHA256_LEN + 1];
	char document_hash[2 * CW_SHA256_LEN + 1];
	char *canonical_proof; /* owned; kept only when keep_canonical */
	char *canonical_document;
	int keep_canonical;
} cw_di_report;

void cw_di_report_dispose(cw_di_report *report);

/**
 * Signs credential with an Ed25519 key (DataIntegrityProof,
 * eddsa-rdfc-2022): *out is a copy with the proof added (appended to a
 * proof set when there is one). Canonicalization runs in safe mode, so a
 * term no context defines is an error (CW_EINVAL; report says where).
 */
int cw_di_sign(cJSON **out, const cJSON *credential, const cw_key *key,
               const cw_di_sign_options *options, cw_di_report *report);

typedef struct {
	const cw_jsonld_loader *loader; /* contexts and key documents */
	const char *proof_purpose;      /* NULL: "assertionMethod" */
	const cw_key *key; /* if set, every proof must verify with it */
} cw_di_verify_options;

/**
 * Verifies every proof of credential. 0 when all verify; CW_EAUTH when a
 * signature does not; CW_EINVAL when a proof or the document is malformed;
 * CW_ENOTFOUND when a verification method cannot be resolved. report (may
 * be NULL) tells the proof and the step.
 */
int cw_di_verify(const cJSON *credential, const cw_di_verify_options *options,
                 cw_di_report *report);

/** The key of a verification method: did:key, or a Multikey /
 * Ed25519VerificationKey2020 / JsonWebKey document the loader serves. */
int cw_di_resolve_key(cw_key **out, const char *verification_method,
                      const cw_jsonld_loader *loader);

#endif
