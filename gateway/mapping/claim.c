/* Reading the claim of an OB 3.0 credential or an OB 2.0 assertion. */
#include "mapping/claim.h"

#include "util/error.h"
#include "util/json.h"

#include <string.h>

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A string, or an object's id (issuer, achievement, badge). */
static const char *id_of(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : cw_json_string(v, "id");
}

static void add_identity(cw_claim *c, const char *type, const char *value,
                         int hashed, const char *salt)
{
	if (!value || c->identity_count == CW_CLAIM_MAX_IDENTITIES)
		return;
	c->identities[c->identity_count++] =
	        (cw_claim_identity){ type, value, hashed, salt };
}

static void add_level(cw_claim *c, const char *level)
{
	if (level && *level && c->level_count < CW_CLAIM_MAX_LEVELS)
		c->levels[c->level_count++] = level;
}

static int read_alignments(cw_claim *c, const cJSON *list, const char *at)
{
	const cJSON *a;
	size_t i = 0;

	if (list && !cJSON_IsArray(list)) {
		cw_error_set("%s/alignment: expected an array", at);
		return CW_EINVAL;
	}
	cJSON_ArrayForEach(a, list)
	{
		if (c->alignment_count == CW_CLAIM_MAX_ALIGNMENTS) {
			cw_error_set("%s/alignment: more than %d", at,
			             CW_CLAIM_MAX_ALIGNMENTS);
			return CW_ETOOBIG;
		}
		if (!cJSON_IsObject(a)) {
			cw_error_set("%s/alignment/%zu: expected an object", at,
			             i);
			return CW_EINVAL;
		}
		c->alignments[c->alignment_count++] = (cw_claim_alignment){
			cw_json_string(a, "targetType"),
			cw_json_string(a, "targetCode"),
			cw_json_string(a, "targetUrl"),
			cw_json_string(a, "targetName"),
			cw_json_string(a, "targetFramework")
		};
		i++;
	}
	return 0;
}

/* The rubric level whose id is level_id, among the achievement's result
 * descriptions: its name. */
static const char *level_name(const cJSON *achievement, const char *level_id)
{
	const cJSON *rd, *lvl;

	cJSON_ArrayForEach(rd, member(achievement, "resultDescription"))
	{
		cJSON_ArrayForEach(lvl, member(rd, "rubricCriterionLevel"))
		{
			const char *id = cw_json_string(lvl, "id");
			if (id && strcmp(id, level_id) == 0)
				return cw_json_string(lvl, "name");
		}
	}
	return NULL;
}

static void read_results(cw_claim *c, const cJSON *subject,
                         const cJSON *achievement)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, member(subject, "result"))
	{
		const char *level = cw_json_string(r, "achievedLevel");
		if (level)
			add_level(c, level_name(achievement, level));
		add_level(c, level);
		add_level(c, cw_json_string(r, "value"));
	}
}

static void read_identifiers(cw_claim *c, const cJSON *subject)
{
	const cJSON *idf;
	const char *id = cw_json_string(subject, "id");

	cJSON_ArrayForEach(idf, member(subject, "identifier"))
	{
		add_identity(c, cw_json_string(idf, "identityType"),
		             cw_json_string(idf, "identityHash"),
		             cJSON_IsTrue(member(idf, "hashed")),
		             cw_json_string(idf, "salt"));
	}
	if (id && strncmp(id, "mailto:", 7) == 0)
		add_identity(c, "emailAddress", id + 7, 0, NULL);
	else if (id)
		add_identity(c, "id", id, 0, NULL);
}

static int read_ob3(cw_claim *c, const cJSON *doc)
{
	const cJSON *subject = member(doc, "credentialSubject");
	const cJSON *achievement, *issuer = member(doc, "issuer");

	if (cJSON_IsArray(subject))
		subject = subject->child;
	if (!cJSON_IsObject(subject)) {
		cw_error_set("/credentialSubject: expected an object");
		return CW_EINVAL;
	}
	achievement = member(subject, "achievement");
	if (!cJSON_IsObject(achievement)) {
		cw_error_set("/credentialSubject/achievement: expected an "
		             "object (an OpenBadgeCredential)");
		return CW_EINVAL;
	}
	c->issuer_id = id_of(issuer);
	c->issuer_name = cw_json_string(issuer, "name");
	c->achievement_id = cw_json_string(achievement, "id");
	c->achievement_name = cw_json_string(achievement, "name");
	c->issued = cw_json_string(doc, "validFrom");
	if (!c->issued)
		c->issued = cw_json_string(doc, "issuanceDate");
	read_identifiers(c, subject);
	read_results(c, subject, achievement);
	return read_alignments(c, member(achievement, "alignment"),
	                       "/credentialSubject/achievement");
}

static int read_ob2(cw_claim *c, const cJSON *doc)
{
	const cJSON *recipient = member(doc, "recipient");
	const cJSON *badge = member(doc, "badge");

	c->ob2 = 1;
	if (!cJSON_IsObject(recipient)) {
		cw_error_set("/recipient: expected an object");
		return CW_EINVAL;
	}
	if (!cJSON_IsObject(badge)) {
		cw_error_set("/badge: expected the BadgeClass object");
		return CW_EINVAL;
	}
	add_identity(c, cw_json_string(recipient, "type"),
	             cw_json_string(recipient, "identity"),
	             cJSON_IsTrue(member(recipient, "hashed")),
	             cw_json_string(recipient, "salt"));
	c->issuer_id = id_of(member(badge, "issuer"));
	c->issuer_name = cw_json_string(member(badge, "issuer"), "name");
	c->achievement_id = cw_json_string(badge, "id");
	c->achievement_name = cw_json_string(badge, "name");
	c->issued = cw_json_string(doc, "issuedOn");
	return read_alignments(c, member(badge, "alignment"), "/badge");
}

int cw_claim_read(cw_claim *out, const cJSON *doc)
{
	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(doc)) {
		cw_error_set("/: expected a credential object");
		return CW_EINVAL;
	}
	out->id = cw_json_string(doc, "id");
	if (!out->id) {
		cw_error_set("/id: expected the credential's id");
		return CW_EINVAL;
	}
	return member(doc, "recipient") ? read_ob2(out, doc)
	                                : read_ob3(out, doc);
}
