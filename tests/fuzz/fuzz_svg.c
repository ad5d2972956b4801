/* Fuzzes the guarded SVG parse (no DTD, entities or deep nesting): unbaking
 * any input, and baking both versions into what it accepts, which must then
 * unbake to the same text. */
#include "fuzz.h"
#include "fuzz_bake.h"

#include "badge/bake.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int err = check_unbake(data, size, NULL, CW_BADGE_OB3);
	int must_bake = 0; /* a valid SVG may still bind the prefix elsewhere */

	(void)err;

	bake_and_check(data, size, must_bake, CW_BADGE_OB3, json);
	bake_and_check(data, size, must_bake, CW_BADGE_OB2, jws);
	return 0;
}
