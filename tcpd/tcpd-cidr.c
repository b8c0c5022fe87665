/* CIDR and range expansion for hato-makeaccess (see tcpd-cidr.h). */
#include "config.h"
#include "tcpd-cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tcpd_cidr_is_network(const char *key)
{
	return strchr(key, '/') != NULL || (strchr(key, '-') != NULL && key[0] != '-');
}

/* Address as 16 bytes plus the unit (1 byte for IPv4, 2 for IPv6) and the byte offset of the
 * first significant byte (12 for IPv4). */
struct caddr {
	unsigned char a[16];
	int v4;
};

static int parse_addr(const char *s, struct caddr *c)
{
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, s, c->a + 12) == 1) {
		c->v4 = 1;
		return 0;
	}
	return inet_pton(AF_INET6, s, c->a) == 1 ? 0 : -1;
}

/* Emit all prefixes of `len` bytes (len a multiple of the unit) from lo to hi inclusive,
 * both already truncated to len. */
static int emit_range(const struct caddr *lo, const struct caddr *hi, int start, int len,
		      void (*fn)(const char *, void *), void *ctx, const char **error_r)
{
	unsigned char cur[16];
	int count = 0;

	memcpy(cur, lo->a, 16);
	for (;;) {
		char key[64];
		size_t off = 0;

		if (++count > TCPD_CIDR_MAX_KEYS) {
			*error_r = "network expands to too many entries";
			return -1;
		}
		if (lo->v4) {
			for (int i = start; i < start + len; i++)
				off += (size_t)snprintf(key + off, sizeof(key) - off, "%s%u",
							i > start ? "." : "", cur[i]);
		} else {
			for (int i = start; i < start + len; i += 2)
				off += (size_t)snprintf(key + off, sizeof(key) - off, ":%02x%02x",
							cur[i], cur[i + 1]);
		}
		fn(key, ctx);
		if (memcmp(cur + start, hi->a + start, (size_t)len) == 0)
			break;
		/* increment the prefix as a big-endian number */
		for (int i = start + len - 1; i >= start; i--) {
			if (++cur[i] != 0)
				break;
		}
	}
	return count;
}

int tcpd_cidr_expand(const char *net, void (*fn)(const char *key, void *ctx), void *ctx,
		     const char **error_r)
{
	char buf[128];
	char *sep;
	struct caddr lo, hi;
	int start, total, unit, prefixlen, len;

	if (strlen(net) >= sizeof(buf)) {
		*error_r = "network too long";
		return -1;
	}
	strcpy(buf, net);
	if ((sep = strchr(buf, '/')) != NULL) {
		char *end;
		long bits;

		*sep++ = '\0';
		if (parse_addr(buf, &lo) < 0)
			goto bad;
		bits = strtol(sep, &end, 10);
		if (*sep == '\0' || *end != '\0' || bits < 0 || bits > (lo.v4 ? 32 : 128))
			goto bad;
		prefixlen = (int)bits + (lo.v4 ? 96 : 0);
		hi = lo;
		for (int b = 0; b < 128; b++) {
			unsigned char mask = (unsigned char)(0x80 >> (b % 8));
			if (b >= prefixlen) {
				lo.a[b / 8] &= (unsigned char)~mask;
				hi.a[b / 8] |= mask;
			}
		}
	} else if ((sep = strchr(buf, '-')) != NULL) {
		*sep++ = '\0';
		if (parse_addr(buf, &lo) < 0 || parse_addr(sep, &hi) < 0 || lo.v4 != hi.v4 ||
		    memcmp(lo.a, hi.a, 16) > 0)
			goto bad;
	} else {
		goto bad;
	}
	/* The shortest prefix (in whole units) at which lo..hi is a complete set: trailing
	 * units of lo all zero and of hi all ones. */
	start = lo.v4 ? 12 : 0;
	total = 16 - start;
	unit = lo.v4 ? 1 : 2;
	len = total;
	while (len > unit) {
		int full = 1;

		for (int i = start + len - unit; i < start + len; i++) {
			if (lo.a[i] != 0 || hi.a[i] != 0xff)
				full = 0;
		}
		if (!full)
			break;
		len -= unit;
	}
	/* A /0 network (everything) is the "*" entry. */
	if (len == unit) {
		int all = 1;
		for (int i = start; i < start + unit; i++)
			if (lo.a[i] != 0 || hi.a[i] != 0xff)
				all = 0;
		if (all) {
			fn("*", ctx);
			return 1;
		}
	}
	return emit_range(&lo, &hi, start, len, fn, ctx, error_r);
bad:
	*error_r = "malformed network (want a.b.c.d/n, a.b.c.d-e.f.g.h or an IPv6 form)";
	return -1;
}
