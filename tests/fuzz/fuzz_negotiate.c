/* Fuzzes Accept header negotiation: the input is the header value. */
#include "fuzz.h"

#include "http/negotiate.h"

#include <stdlib.h>
#include <string.h>

static const char *const offers[] = { "application/ld+json", "application/json",
	                              "text/html" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a heap copy of exactly size bytes, so ASan sees any over-read */
	char *accept = malloc(size ? size : 1);
	int pick, again;

	if (!accept)
		return 0;
	if (size)
		memcpy(accept, data, size);
	pick = cw_negotiate(accept, size, offers, 3);
	again = cw_negotiate(accept, size, offers, 3);
	if (pick < -1 || pick >= 3 || pick != again)
		abort();
	/* one offer: it, or nothing */
	pick = cw_negotiate(accept, size, offers + 2, 1);
	if (pick != 0 && pick != -1)
		abort();
	free(accept);
	return 0;
}
