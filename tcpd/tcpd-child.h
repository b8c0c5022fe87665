/* What a connection's child does between fork and exec: the couriertcpd environment
 * (courier-formats §3.2), the socket on fds 0 and 1, then exec of the program. */
#ifndef HATO_TCPD_CHILD_H
#define HATO_TCPD_CHILD_H

#include <stddef.h>
#include <sys/socket.h>

#include "tcpd-access.h"

struct tcpd_child {
	int sock;
	int tls;	      /* implicit TLS port: HATO_TLS=1 */
	int nodnslookup;      /* no TCPREMOTEHOST / TCPLOCALHOST */
	int stderr_to_socket; /* -stderr=socket */
	const struct tcpd_access_vars *vars;
	char **argv; /* argv[0] is the program's path */
};

/* Format an address as TCPREMOTEIP shows it: what inet_ntop gives for the socket's family,
 * so an IPv4 client of a dual-stack IPv6 socket is "::ffff:a.b.c.d", as in Courier.
 * Returns 0, or -1. */
int tcpd_child_format_ip(const struct sockaddr *sa, char *buf, size_t size);

/* Set up the environment and descriptors and exec; on failure logs and _exit(1)s. */
_Noreturn void tcpd_child_exec(const struct tcpd_child *c);

#endif
