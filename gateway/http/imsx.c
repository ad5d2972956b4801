/* imsx_StatusInfo as the OneRoster / 1EdTech REST bindings define it. */
#include "http/imsx.h"

#include <string.h>

cJSON *cw_imsx_status(const char *code_major, const char *severity,
                      const char *code_minor, const char *description)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *minor, *fields, *field;

	if (!doc)
		return NULL;
	if (!cJSON_AddStringToObject(doc, "imsx_codeMajor", code_major) ||
	    !cJSON_AddStringToObject(doc, "imsx_severity", severity) ||
	    !cJSON_AddStringToObject(doc, "imsx_description", description))
		goto fail;
	minor = cJSON_AddObjectToObject(doc, "imsx_CodeMinor");
	fields = minor ? cJSON_AddArrayToObject(minor, "imsx_codeMinorField")
	               : NULL;
	field = cJSON_CreateObject();
	if (!fields || !field)
		goto fail_field;
	cJSON_AddItemToArray(fields, field);
	if (!cJSON_AddStringToObject(field, "imsx_codeMinorFieldName",
	                             "TargetEndSystem") ||
	    !cJSON_AddStringToObject(field, "imsx_codeMinorFieldValue",
	                             code_minor))
		goto fail;
	return doc;
fail_field:
	cJSON_Delete(field);
fail:
	cJSON_Delete(doc);
	return NULL;
}

const char *cw_imsx_minor_for_status(int status)
{
	switch (status) {
	case 401: return "unauthorisedrequest";
	case 403: return "forbidden";
	case 404: return "unknownobject";
	case 422: return "invaliddata";
	case 429:
	case 503: return "server_busy";
	case 500: return "internal_server_error";
	default: return "invaliddata";
	}
}

const char *cw_imsx_minor_for_path(int status, const char *path)
{
	if (status == 401 && path && strncmp(path, "/ims/case/v1p1/", 15) == 0)
		return "unauthorised_request";
	return cw_imsx_minor_for_status(status);
}
