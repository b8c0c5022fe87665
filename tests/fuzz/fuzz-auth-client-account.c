/* Fuzz target: the client's parser of authdaemond account records (what a compromised or
 * confused daemon could send a login parent or a tool). */
#include "config.h"
#include "auth-client.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct account *a = NULL;

	if (auth_client_parse_account((const char *)data, size, &a) == 0)
		account_free(a);
	return 0;
}
