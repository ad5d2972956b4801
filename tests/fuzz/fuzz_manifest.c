/* Fuzzes manifest.csv parsing: any bytes give a usable manifest or
 * CW_EINVAL with at least one error said, never anything else. */
#include "fuzz.h"

#include "roster/manifest.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static void on_diag(const cw_diag *d, void *payload)
{
	if (!d->code || !d->message || strcmp(d->file, "manifest.csv") != 0)
		abort();
	if (d->severity == CW_DIAG_ERROR)
		(*(int *)payload)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_or_manifest manifest;
	char *copy = malloc(size ? size : 1);
	int errors = 0, err;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	err = cw_or_manifest_parse(&manifest, copy, size, on_diag, &errors);
	free(copy);
	if (err == 0) {
		if (errors != 0 || (manifest.version != CW_OR_V1P1 &&
		                    manifest.version != CW_OR_V1P2))
			abort();
		for (int e = 0; e < CW_OR_ENTITY_COUNT; e++)
			if (manifest.files[e] != CW_OR_FILE_ABSENT &&
			    !cw_or_file_for(manifest.version, (cw_or_entity)e))
				abort();
	} else if (err != CW_EINVAL || errors == 0) {
		abort();
	}
	return 0;
}
