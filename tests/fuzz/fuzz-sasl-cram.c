/* Fuzz target: the CRAM-MD5 mechanism's client input (see fuzz-sasl-run.h for the framing). */
#include "config.h"
#include "fuzz-sasl-run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sasl_run("CRAM-MD5", "<1896.697170952@postoffice.reston.mci.net>", data, size);
}
