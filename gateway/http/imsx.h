/* 1EdTech imsx_StatusInfo error bodies. */
#ifndef CW_HTTP_IMSX_H
#define CW_HTTP_IMSX_H

#include <cjson/cJSON.h>

/** Builds {"imsx_codeMajor":"failure","imsx_severity":"error",…}. */
cJSON *cw_imsx_status(const char *code_major, const char *severity,
                      const char *code_minor, const char *description);

/** The codeMinor that fits an HTTP status (unknownobject for 404 …). */
const char *cw_imsx_minor_for_status(int status);

/** The same in the spelling of the binding path is under: CASE 1.1 says
 *  unauthorised_request where the others say unauthorisedrequest. */
const char *cw_imsx_minor_for_path(int status, const char *path);

#endif
