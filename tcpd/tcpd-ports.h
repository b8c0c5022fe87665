/* couriertcpd port lists: "143,993", "127.0.0.1.1143", "::1.1143", "0.143" (courier-formats
 * §3.1). Parsing is pure; tcpd_ports_bind creates the listening sockets. */
#ifndef HATO_TCPD_PORTS_H
#define HATO_TCPD_PORTS_H

#include <stddef.h>

#define TCPD_PORTS_MAX 32
#define TCPD_PORT_ADDR_MAX 64

struct tcpd_port {
	char addr[TCPD_PORT_ADDR_MAX]; /* "" = wildcard (IPv6 any, then IPv4 any) */
	int port;
	int tls; /* implicit TLS port: the child gets HATO_TLS=1 */
};

struct tcpd_portlist {
	struct tcpd_port port[TCPD_PORTS_MAX];
	unsigned int count;
};

/* Append the items of a comma-separated list to list. An item is PORT or ADDR.PORT (split at
 * the last '.'); PORT is a number 1..65535 or a tcp service name; ADDR "0" means wildcard;
 * default_addr (may be NULL) replaces a missing or "0" address. Returns 0, or -1 with *error_r
 * (valid until the next call). */
int tcpd_ports_parse(struct tcpd_portlist *list, const char *spec, const char *default_addr,
		     int tls, const char **error_r);
/* Mark every entry whose port (and address, when the tls item names one) appears in spec. */
int tcpd_ports_mark_tls(struct tcpd_portlist *list, const char *spec, const char **error_r);

struct tcpd_listener {
	int fd;
	int port;
	int tls;
};

/* Create, bind and listen (backlog; <= 0 = SOMAXCONN) for every entry. A wildcard entry gets
 * a dual-stack IPv6 socket and an IPv4 one (the latter's bind failure ignored, as Courier).
 * Sockets are non-blocking and close-on-exec. Returns the number of listeners stored in out
 * (at most max), or -1 with *error_r (all sockets closed). */
int tcpd_ports_bind(const struct tcpd_portlist *list, int backlog, struct tcpd_listener *out,
		    size_t max, const char **error_r);

#endif
