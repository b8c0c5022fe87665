/* Random bytes for salts, challenges and nonces, from the kernel (getrandom(2)). */
#ifndef HATO_AUTH_RANDOM_H
#define HATO_AUTH_RANDOM_H

#include <stddef.h>

/* Fill p with n random bytes. Returns 0, or -1 with *error_r if the kernel cannot supply them. */
int auth_random_fill(void *p, size_t n, const char **error_r);

/* n random characters from "./0-9A-Za-z" (crypt's salt alphabet) into out, NUL-terminated
 * (out holds n + 1 bytes). Returns 0 or -1 with *error_r. */
int auth_random_salt64(char *out, size_t n, const char **error_r);

#endif
