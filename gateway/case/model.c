/* CASE 1.1 tables (information model §3 and §7, as in
 * docs/reference/case.md §1.2). */
#include "case/model.h"

#include <pthread.h>
#include <string.h>

#define R   CW_CASE_REQUIRED
#define V11 CW_CASE_V11
#define NO  CW_CASE_NONE

/* clang-format off */
static const cw_case_member document[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"frameworkType", CW_CASE_T_STRING, V11, NO},
	{"caseVersion", CW_CASE_T_STRING, V11, NO},
	{"creator", CW_CASE_T_STRING, R, NO},
	{"title", CW_CASE_T_STRING, R, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"officialSourceURL", CW_CASE_T_URI, 0, NO},
	{"publisher", CW_CASE_T_STRING, 0, NO},
	{"description", CW_CASE_T_STRING, 0, NO},
	{"subject", CW_CASE_T_STRINGS, 0, NO},
	{"subjectURI", CW_CASE_T_LINKS, 0, NO},
	{"language", CW_CASE_T_STRING, 0, NO},
	{"version", CW_CASE_T_STRING, 0, NO},
	{"adoptionStatus", CW_CASE_T_STRING, 0, NO},
	{"statusStartDate", CW_CASE_T_DATE, 0, NO},
	{"statusEndDate", CW_CASE_T_DATE, 0, NO},
	{"licenseURI", CW_CASE_T_LINK, 0, NO},
	{"notes", CW_CASE_T_STRING, 0, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member item[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"fullStatement", CW_CASE_T_STRING, R, NO},
	{"alternativeLabel", CW_CASE_T_STRING, 0, NO},
	{"CFItemType", CW_CASE_T_STRING, 0, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"humanCodingScheme", CW_CASE_T_STRING, 0, NO},
	{"listEnumeration", CW_CASE_T_STRING, 0, NO},
	{"abbreviatedStatement", CW_CASE_T_STRING, 0, NO},
	{"conceptKeywords", CW_CASE_T_STRINGS, 0, NO},
	{"conceptKeywordsURI", CW_CASE_T_LINK, 0, NO},
	{"notes", CW_CASE_T_STRING, 0, NO},
	{"subject", CW_CASE_T_STRINGS, V11, NO},
	{"subjectURI", CW_CASE_T_LINKS, V11, NO},
	{"language", CW_CASE_T_STRING, 0, NO},
	{"educationLevel", CW_CASE_T_STRINGS, 0, NO},
	{"CFItemTypeURI", CW_CASE_T_LINK, 0, NO},
	{"licenseURI", CW_CASE_T_LINK, 0, NO},
	{"statusStartDate", CW_CASE_T_DATE, 0, NO},
	{"statusEndDate", CW_CASE_T_DATE, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member association[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"associationType", CW_CASE_T_ASSOC, R, NO},
	{"sequenceNumber", CW_CASE_T_INT, 0, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"originNodeURI", CW_CASE_T_LINK_GEN, R, NO},
	{"destinationNodeURI", CW_CASE_T_LINK_GEN, R, NO},
	{"CFAssociationGroupingURI", CW_CASE_T_LINK, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"notes", CW_CASE_T_STRING, V11, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member concept[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"title", CW_CASE_T_STRING, R, NO},
	{"keywords", CW_CASE_T_STRING, 0, NO},
	{"hierarchyCode", CW_CASE_T_STRING, R, NO},
	{"description", CW_CASE_T_STRING, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member subject[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"title", CW_CASE_T_STRING, R, NO},
	{"hierarchyCode", CW_CASE_T_STRING, R, NO},
	{"description", CW_CASE_T_STRING, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member license[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"title", CW_CASE_T_STRING, R, NO},
	{"description", CW_CASE_T_STRING, 0, NO},
	{"licenseText", CW_CASE_T_STRING, R, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member item_type[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"title", CW_CASE_T_STRING, R, NO},
	{"description", CW_CASE_T_STRING, R, NO},
	{"hierarchyCode", CW_CASE_T_STRING, R, NO},
	{"typeCode", CW_CASE_T_STRING, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member association_grouping[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"title", CW_CASE_T_STRING, R, NO},
	{"description", CW_CASE_T_STRING, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member rubric[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"title", CW_CASE_T_STRING, 0, NO},
	{"description", CW_CASE_T_STRING, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"CFRubricCriteria", CW_CASE_T_CHILDREN, 0, CW_CASE_RUBRIC_CRITERION},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member rubric_criterion[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"category", CW_CASE_T_STRING, 0, NO},
	{"description", CW_CASE_T_STRING, 0, NO},
	{"CFItemURI", CW_CASE_T_LINK, 0, NO},
	{"weight", CW_CASE_T_NUMBER, 0, NO},
	{"position", CW_CASE_T_INT, 0, NO},
	{"rubricId", CW_CASE_T_UUID, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"CFRubricCriterionLevels", CW_CASE_T_CHILDREN, 0, CW_CASE_RUBRIC_CRITERION_LEVEL},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};

static const cw_case_member rubric_criterion_level[] = {
	{"identifier", CW_CASE_T_UUID, R, NO},
	{"uri", CW_CASE_T_URI, R, NO},
	{"description", CW_CASE_T_STRING, 0, NO},
	{"quality", CW_CASE_T_STRING, 0, NO},
	{"score", CW_CASE_T_NUMBER, 0, NO},
	{"feedback", CW_CASE_T_STRING, 0, NO},
	{"position", CW_CASE_T_INT, 0, NO},
	{"rubricCriterionId", CW_CASE_T_UUID, 0, NO},
	{"lastChangeDateTime", CW_CASE_T_DATETIME, R, NO},
	{"extensions", CW_CASE_T_EXTENSIONS, V11, NO},
};
/* clang-format on */

static const char *const document_dropped[] = { "CFPackageURI", NULL };
static const char *const item_dropped[] = { "CFDocumentURI",
	                                    "CFItemAssociationURI", NULL };
static const char *const none_dropped[] = { "CFDocumentURI", NULL };

#define CLASS(k, name, collection, members, dropped)                           \
	[k] = { k,                                                             \
		name,                                                          \
		collection,                                                    \
		members,                                                       \
		sizeof(members) / sizeof(members[0]),                          \
		dropped }

static const cw_case_class classes[CW_CASE_KIND_COUNT] = {
	CLASS(CW_CASE_DOCUMENT, "CFDocument", "CFDocuments", document,
	      document_dropped),
	CLASS(CW_CASE_ITEM, "CFItem", "CFItems", item, item_dropped),
	CLASS(CW_CASE_ASSOCIATION, "CFAssociation", "CFAssociations",
	      association, none_dropped),
	CLASS(CW_CASE_CONCEPT, "CFConcept", "CFConcepts", concept,
	      none_dropped),
	CLASS(CW_CASE_SUBJECT, "CFSubject", "CFSubjects", subject,
	      none_dropped),
	CLASS(CW_CASE_LICENSE, "CFLicense", "CFLicenses", license,
	      none_dropped),
	CLASS(CW_CASE_ITEM_TYPE, "CFItemType", "CFItemTypes", item_type,
	      none_dropped),
	CLASS(CW_CASE_ASSOCIATION_GROUPING, "CFAssociationGrouping",
	      "CFAssociationGroupings", association_grouping, none_dropped),
	CLASS(CW_CASE_RUBRIC, "CFRubric", "CFRubrics", rubric, none_dropped),
	CLASS(CW_CASE_RUBRIC_CRITERION, "CFRubricCriterion", "CFRubricCriteria",
	      rubric_criterion, none_dropped),
	CLASS(CW_CASE_RUBRIC_CRITERION_LEVEL, "CFRubricCriterionLevel",
	      "CFRubricCriterionLevels", rubric_criterion_level, none_dropped),
};

const cw_case_kind cw_case_definition_kinds[5] = {
	CW_CASE_CONCEPT, CW_CASE_SUBJECT, CW_CASE_LICENSE, CW_CASE_ITEM_TYPE,
	CW_CASE_ASSOCIATION_GROUPING
};

const cw_case_class *cw_case_class_of(cw_case_kind kind)
{
	if (kind < 0 || kind >= CW_CASE_KIND_COUNT)
		return NULL;
	return &classes[kind];
}

/* Per class, its member positions sorted by name, for binary searches
 * (every object of a package asks for each of its members). */
static unsigned char by_name[CW_CASE_KIND_COUNT][CW_CASE_MAX_MEMBERS];

static void sort_names(void)
{
	for (int k = 0; k < CW_CASE_KIND_COUNT; k++) {
		const cw_case_class *c = &classes[k];

		for (size_t i = 0; i < c->member_count; i++) {
			size_t j = i;

			while (j > 0 &&
			       strcmp(c->members[by_name[k][j - 1]].name,
			              c->members[i].name) > 0) {
				by_name[k][j] = by_name[k][j - 1];
				j--;
			}
			by_name[k][j] = (unsigned char)i;
		}
	}
}

int cw_case_member_index(const cw_case_class *c, const char *name)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	size_t lo = 0, hi;

	if (!c)
		return -1;
	pthread_once(&once, sort_names);
	hi = c->member_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int i = by_name[c->kind][mid];
		int cmp = strcmp(c->members[i].name, name);

		if (cmp == 0)
			return i;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const cw_case_member *cw_case_member_of(const cw_case_class *c,
                                        const char *name)
{
	int i = cw_case_member_index(c, name);

	return i < 0 ? NULL : &c->members[i];
}

int cw_case_association_type(const char *type)
{
	static const char *const v10[] = { "isChildOf",     "isPeerOf",
		                           "isPartOf",      "exactMatchOf",
		                           "precedes",      "isRelatedTo",
		                           "replacedBy",    "exemplar",
		                           "hasSkillLevel", NULL };
	size_t n;

	for (const char *const *t = v10; *t; t++)
		if (strcmp(*t, type) == 0)
			return 1;
	if (strcmp(type, "isTranslationOf") == 0)
		return 2;
	/* ext: then (ext:)[a-zA-Z0-9.\-_]+ */
	if (strncmp(type, "ext:", 4) != 0 || !type[4])
		return 0;
	n = strspn(type + 4, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
	                     "VWXYZ0123456789.-_");
	return type[4 + n] == '\0' ? 2 : 0;
}

int cw_case_uuid_shaped(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };

	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, s++)
			if (!((*s >= '0' && *s <= '9') ||
			      (*s >= 'a' && *s <= 'f') ||
			      (*s >= 'A' && *s <= 'F')))
				return 0;
		if (g < 4 && *s++ != '-')
			return 0;
	}
	return *s == '\0';
}
