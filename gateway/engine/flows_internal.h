/* Shared by the flow runner (flows.c) and the flows (flow_*.c). */
#ifndef CW_ENGINE_FLOWS_INTERNAL_H
#define CW_ENGINE_FLOWS_INTERNAL_H

#include "engine/flows.h"

typedef struct {
	const cw_flow_env *env;
	int64_t tenant_id;
	const cw_mapping *mapping;
	cJSON *stages;     /* [{"stage", "output"}] */
	cJSON *writes;     /* [{"entity", "sourcedId", "change"}] */
	const char *state; /* set when the run ends early: held | failed */
	char reason[600];
} cw_flow_job;

/** Appends {"stage": name, "output": output (taken)}. */
void cw_flow__stage(cw_flow_job *job, const char *name, cJSON *output);
/** Ends the run as state ("held" or "failed") with a reason; returns 0. */
int cw_flow__stop(cw_flow_job *job, const char *state, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/** credential-to-result on one credential (JSON or compact JWS text). */
int cw_flow__credential_to_result(cw_flow_job *job, const char *text,
                                  size_t len);

#endif
