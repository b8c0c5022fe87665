/* Random bytes from getrandom(2): no file descriptor to run out of, works in a chroot. */
#include "config.h"
#include "auth-random.h"

#include <errno.h>
#include <sys/random.h>

int auth_random_fill(void *p, size_t n, const char **error_r)
{
	unsigned char *d = p;

	while (n > 0) {
		ssize_t r = getrandom(d, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*error_r = "getrandom() failed";
			return -1;
		}
		d += r;
		n -= (size_t)r;
	}
	return 0;
}

int auth_random_salt64(char *out, size_t n, const char **error_r)
{
	static const char alphabet[] =
		"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char r[64];

	for (size_t done = 0; done < n;) {
		size_t chunk = n - done < sizeof(r) ? n - done : sizeof(r);
		if (auth_random_fill(r, chunk, error_r) < 0)
			return -1;
		/* 256 is a multiple of 64: taking the low 6 bits keeps the choice uniform. */
		for (size_t i = 0; i < chunk; i++)
			out[done + i] = alphabet[r[i] & 63];
		done += chunk;
	}
	out[n] = '\0';
	return 0;
}
