/* Expansion of access-file networks written as CIDR (10.0.0.0/8, 2002:c0a8::/32) or ranges
 * (10.0.0.0-10.0.3.255) into the octet-prefix keys tcpd looks up, as Courier's makedat -cidr
 * does with Net::CIDR's cidr2octets: IPv4 by whole octets ("10", "10.0".."10.127"), IPv6 by
 * 16-bit groups with a leading ':' (":2002:c0a8"). No I/O. */
#ifndef HATO_TCPD_CIDR_H
#define HATO_TCPD_CIDR_H

#include <stddef.h>

#define TCPD_CIDR_MAX_KEYS 65536

/* Is key a network (contains '/' or '-' between addresses)? */
int tcpd_cidr_is_network(const char *key);
/* Call fn with each expanded key. Returns the number of keys, or -1 with *error_r for a
 * malformed network or one that would expand to more than TCPD_CIDR_MAX_KEYS keys. */
int tcpd_cidr_expand(const char *net, void (*fn)(const char *key, void *ctx), void *ctx,
		     const char **error_r);

#endif
