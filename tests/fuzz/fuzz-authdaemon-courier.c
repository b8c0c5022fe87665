/* Fuzz target: the Courier authdaemon request decoder, on every prefix length an attacker
 * could make the daemon see, plus the login/cram data splitter. */
#include "config.h"
#include "proto-courier.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_courier_request r;
	const char *error;
	size_t step = size > 64 ? size / 16 : 1;

	for (size_t n = 0; n <= size; n += step) {
		if (proto_courier_parse((const char *)data, n, &r, &error) != PROTO_COURIER_DONE)
			continue;
		if (r.cmd == PROTO_COURIER_AUTH) {
			char *copy;
			const char *a, *b;
			if (proto_courier_split2(&r.authdata, &copy, &a, &b) == 0)
				free(copy);
		}
		proto_courier_request_clear(&r);
	}
	return 0;
}
