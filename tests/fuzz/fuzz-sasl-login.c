/* Fuzz target: the LOGIN mechanism's client input (see fuzz-sasl-run.h for the framing). */
#include "config.h"
#include "fuzz-sasl-run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sasl_run("LOGIN", NULL, data, size);
}
