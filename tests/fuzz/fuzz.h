/* The libFuzzer entry point: each harness defines it, the driver calls it. */
#ifndef CW_TESTS_FUZZ_H
#define CW_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/** Runs one input; aborts on a broken invariant. Always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
