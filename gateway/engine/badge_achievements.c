/* Badge achievements: OB 3.0 Achievement documents checked and stored,
 * or made from a CFItem of the tenant's CASE store. */
#include "engine/badges_internal.h"

#include "case/model.h"
#include "crypto/dataintegrity.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/json.h"
#include "util/timeutil.h"

#include <string.h>

#define ACHIEVEMENT_MAX (1L << 20) /* bytes of one stored achievement */

/* The AchievementType enum (OB 3.0 §B.2.1); ext: terms extend it. */
static const char *const achievement_types[] = { "Achievement",
	                                         "ApprenticeshipCertificate",
	                                         "Assessment",
	                                         "Assignment",
	                                         "AssociateDegree",
	                                         "Award",
	                                         "Badge",
	                                         "BachelorDegree",
	                                         "Certificate",
	                                         "CertificateOfCompletion",
	                                         "Certification",
	                                         "CommunityService",
	                                         "Competency",
	                                         "Course",
	                                         "CoCurricular",
	                                         "Degree",
	                                         "Diploma",
	                                         "DoctoralDegree",
	                                         "Fieldwork",
	                                         "GeneralEducationDevelopment",
	                                         "JourneymanCertificate",
	                                         "LearningProgram",
	                                         "License",
	                                         "Membership",
	                                         "ProfessionalDoctorate",
	                                         "QualityAssuranceCredential",
	                                         "MasterCertificate",
	                                         "MasterDegree",
	                                         "MicroCredential",
	                                         "ResearchDoctorate",
	                                         "SecondarySchoolDiploma",
	                                         NULL };

static const char *const result_types[] = { "GradePointAverage",
	                                    "LetterGrade",
	                                    "Percent",
	                                    "PerformanceLevel",
	                                    "PredictedScore",
	                                    "RawScore",
	                                    "Result",
	                                    "RubricCriterion",
	                                    "RubricCriterionLevel",
	                                    "RubricScore",
	                                    "ScaledScore",
	                                    "Status",
	                                    NULL };

static int in_enum(const char *value, const char *const *list)
{
	if (strncmp(value, "ext:", 4) == 0 && value[4])
		return 1;
	for (size_t i = 0; list[i]; i++)
		if (strcmp(value, list[i]) == 0)
			return 1;
	return 0;
}

static int has_type(const cJSON *o, const char *type)
{
	const cJSON *t = cJSON_GetObjectItem(o, "type"), *e;

	if (cJSON_IsString(t))
		return strcmp(t->valuestring, type) == 0;
	cJSON_ArrayForEach(e, t)
	{
		if (cJSON_IsString(e) && strcmp(e->valuestring, type) == 0)
			return 1;
	}
	return 0;
}

static int nonempty(const cJSON *o, const char *key)
{
	const char *s = cw_json_string(o, key);

	return s && *s;
}

static int is_uri(const char *s)
{
	const char *colon = s ? strchr(s, ':') : NULL;

	return colon && colon > s && !strpbrk(s, " \t\r\n<>\"");
}

static int fail(const char *where, const char *what)
{
	cw_error_set("achievement: %s: %s", where, what);
	return CW_EINVAL;
}

static int check_alignments(const cJSON *list)
{
	const cJSON *a;

	if (list && !cJSON_IsArray(list))
		return fail("alignment", "must be an array");
	cJSON_ArrayForEach(a, list)
	{
		if (!cJSON_IsObject(a) || !has_type(a, "Alignment"))
			return fail("alignment",
			            "each is an object of type Alignment");
		if (!nonempty(a, "targetName") ||
		    !is_uri(cw_json_string(a, "targetUrl")))
			return fail("alignment",
			            "targetName and targetUrl (a URI) are "
			            "required");
	}
	return 0;
}

static int check_result_descriptions(const cJSON *list)
{
	const cJSON *r;

	if (list && !cJSON_IsArray(list))
		return fail("resultDescription", "must be an array");
	cJSON_ArrayForEach(r, list)
	{
		const char *type = cw_json_string(r, "resultType");

		if (!cJSON_IsObject(r) || !has_type(r, "ResultDescription") ||
		    !is_uri(cw_json_string(r, "id")) || !nonempty(r, "name"))
			return fail("resultDescription",
			            "each needs id (a URI), type "
			            "ResultDescription, name and resultType");
		if (!type || !in_enum(type, result_types))
			return fail("resultDescription.resultType",
			            "not a ResultType (or ext:…)");
	}
	return 0;
}

int cw_badges__achievement_check(const cJSON *a)
{
	const cJSON *criteria = cJSON_GetObjectItem(a, "criteria");
	const cJSON *type = cJSON_GetObjectItem(a, "achievementType");

	if (!cJSON_IsObject(a))
		return fail("/", "must be a JSON object");
	if (!is_uri(cw_json_string(a, "id")))
		return fail("id", "required, a URI (urn:uuid:… or a URL)");
	if (!has_type(a, "Achievement"))
		return fail("type", "must be (or include) Achievement");
	if (!nonempty(a, "name"))
		return fail("name", "required");
	if (!cw_json_string(a, "description"))
		return fail("description", "required");
	if (!cJSON_IsObject(criteria) ||
	    !(nonempty(criteria, "narrative") ||
	      is_uri(cw_json_string(criteria, "id"))))
		return fail("criteria", "required, with a narrative or an id");
	if (type && (!cJSON_IsString(type) ||
	             !in_enum(type->valuestring, achievement_types)))
		return fail("achievementType",
		            "not an AchievementType (or ext:…)");
	if (check_alignments(cJSON_GetObjectItem(a, "alignment")) < 0)
		return CW_EINVAL;
	return check_result_descriptions(
	        cJSON_GetObjectItem(a, "resultDescription"));
}

/* A credential around the achievement signed with a throwaway key: safe
 * mode canonicalization refuses any term the contexts do not define. */
int cw_badges__achievement_terms(const cw_badges *b, const cJSON *a)
{
	cJSON *c = cJSON_CreateObject(), *signed_doc = NULL, *s;
	cw_key *key = NULL;
	cw_buf did = CW_BUF_INIT(1024), vm = CW_BUF_INIT(1024);
	cw_di_report report = { 0 };
	int err = c ? 0 : CW_ENOMEM;

	if (err == 0 && (err = cw_key_generate(&key, CW_KEY_ED25519)) == 0 &&
	    (err = cw_key_did(&did, key)) == 0)
		err = cw_key_did_vm(&vm, key);
	if (err < 0)
		goto out;
	cJSON_AddItemToObject(c, "@context",
	                      cJSON_CreateStringArray(
	                              (const char *[]){ CW_BADGE_VC2_CONTEXT,
	                                                CW_BADGE_OB3_CONTEXT },
	                              2));
	cJSON_AddStringToObject(c, "id",
	                        "urn:uuid:00000000-0000-4000-8000-"
	                        "000000000000");
	cJSON_AddItemToObject(c, "type",
	                      cJSON_CreateStringArray(
	                              (const char *[]){ "VerifiableCredential",
	                                                "OpenBadgeCredential" },
	                              2));
	cJSON_AddStringToObject(c, "issuer", did.data);
	cJSON_AddStringToObject(c, "validFrom", "2026-01-01T00:00:00Z");
	s = cJSON_AddObjectToObject(c, "credentialSubject");
	cJSON_AddStringToObject(s, "id", did.data);
	cJSON_AddStringToObject(s, "type", "AchievementSubject");
	cJSON_AddItemToObject(s, "achievement", cJSON_Duplicate(a, 1));
	cw_di_sign_options o = { vm.data, NULL, NULL, b->loader, NULL };
	if ((err = cw_di_sign(&signed_doc, c, key, &o, &report)) < 0)
		cw_error_set("achievement: %s", report.message[0]
		                                        ? report.message
		                                        : cw_error_last());
out:
	cw_di_report_dispose(&report);
	cJSON_Delete(signed_doc);
	cJSON_Delete(c);
	cw_key_free(key);
	cw_buf_dispose(&did);
	cw_buf_dispose(&vm);
	return err;
}

static int store_achievement(cJSON **out, const cw_badges *b,
                             const char *tenant, const char *issuer,
                             const cJSON *a, const char *case_item)
{
	char now[32];
	char *text = NULL;
	int64_t tenant_id = 0;
	int err;

	*out = NULL;
	if ((err = cw_badges__achievement_check(a)) < 0 ||
	    (err = cw_badges__tenant_id(&tenant_id, b->store, tenant)) < 0 ||
	    (err = cw_badges__achievement_terms(b, a)) < 0)
		return err;
	if (!(text = cw_json_print(a)))
		return CW_ENOMEM;
	if (strlen(text) > ACHIEVEMENT_MAX) {
		cw_error_set("achievement: over %ld bytes", ACHIEVEMENT_MAX);
		err = CW_ETOOBIG;
		goto out;
	}
	cw_badges__now(now);
	cw_badge_achievement row = { tenant_id, cw_json_string(a, "id"),
		                     issuer,    text,
		                     case_item, now,
		                     now };
	if ((err = cw_store_badge_achievement_put(b->store, &row)) == 0 &&
	    !(*out = cJSON_Duplicate(a, 1)))
		err = CW_ENOMEM;
out:
	cw_free(text);
	return err;
}

int cw_badges_achievement_add(cJSON **out, const cw_badges *b,
                              const char *tenant, const char *issuer,
                              const cJSON *achievement)
{
	return store_achievement(out, b, tenant, issuer, achievement, NULL);
}

/* ---- from CASE ----------------------------------------------------------- */

typedef struct {
	cJSON *body;
	char *document;
	int kind;
} case_object;

static int case_row(const cw_case_record *r, void *payload)
{
	case_object *o = payload;

	o->kind = r->kind;
	o->body = cJSON_ParseWithLength(r->body, r->body_len ? r->body_len
	                                                     : strlen(r->body));
	o->document = r->document ? cw_strdup(r->document) : NULL;
	return o->body ? 0 : CW_ENOMEM;
}

static const char *text_of(const cJSON *o, const char *key)
{
	const char *s = cw_json_string(o, key);

	return s ? s : "";
}

static cJSON *from_item(const cJSON *item, const char *framework)
{
	cJSON *a = cJSON_CreateObject(), *criteria, *list, *al;
	const char *code = text_of(item, "humanCodingScheme");
	const char *abbrev = text_of(item, "abbreviatedStatement");
	const char *full = text_of(item, "fullStatement");
	cw_buf id = CW_BUF_INIT(256);

	if (!a || cw_buf_printf(&id, "urn:uuid:%s",
	                        text_of(item, "identifier")) < 0) {
		cJSON_Delete(a);
		return NULL;
	}
	cJSON_AddStringToObject(a, "id", id.data);
	cw_buf_dispose(&id);
	cJSON_AddItemToObject(
	        a, "type",
	        cJSON_CreateStringArray((const char *[]){ "Achievement" }, 1));
	cJSON_AddStringToObject(a, "achievementType", "Competency");
	cJSON_AddStringToObject(a, "name",
	                        *code     ? code
	                        : *abbrev ? abbrev
	                                  : full);
	cJSON_AddStringToObject(a, "description", full);
	criteria = cJSON_AddObjectToObject(a, "criteria");
	cJSON_AddStringToObject(criteria, "narrative", full);
	if (*code)
		cJSON_AddStringToObject(a, "humanCode", code);
	list = cJSON_AddArrayToObject(a, "alignment");
	al = cJSON_CreateObject();
	cJSON_AddItemToArray(list, al);
	cJSON_AddItemToObject(
	        al, "type",
	        cJSON_CreateStringArray((const char *[]){ "Alignment" }, 1));
	cJSON_AddStringToObject(al, "targetType", "CFItem");
	cJSON_AddStringToObject(al, "targetCode", text_of(item, "identifier"));
	cJSON_AddStringToObject(al, "targetName", full);
	cJSON_AddStringToObject(al, "targetUrl", text_of(item, "uri"));
	if (framework && *framework)
		cJSON_AddStringToObject(al, "targetFramework", framework);
	return a;
}

int cw_badges_achievement_from_case(cJSON **out, const cw_badges *b,
                                    const char *tenant, const char *issuer,
                                    const char *item)
{
	case_object it = { NULL, NULL, -1 }, doc = { NULL, NULL, -1 };
	cJSON *a = NULL;
	int64_t tenant_id = 0;
	int err;

	*out = NULL;
	if ((err = cw_badges__tenant_id(&tenant_id, b->store, tenant)) < 0 ||
	    (err = cw_store_case_get(b->store, tenant_id, item, case_row,
	                             &it)) < 0)
		goto out;
	if (it.kind != CW_CASE_ITEM) {
		cw_error_set("%s is not a CFItem", item);
		err = CW_EINVAL;
		goto out;
	}
	if (it.document &&
	    (err = cw_store_case_get(b->store, tenant_id, it.document, case_row,
	                             &doc)) < 0)
		goto out;
	if (!(a = from_item(it.body, text_of(doc.body, "title")))) {
		err = CW_ENOMEM;
		goto out;
	}
	err = store_achievement(out, b, tenant, issuer, a, item);
out:
	cJSON_Delete(a);
	cJSON_Delete(it.body);
	cJSON_Delete(doc.body);
	cw_free(it.document);
	cw_free(doc.document);
	return err;
}
