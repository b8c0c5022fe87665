/* Port-list parsing and listening sockets for hato-tcpd. */
#include "config.h"
#include "tcpd-ports.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char error_buf[256];

static int parse_port(const char *s, int *port_r)
{
	char *end;
	long n;
	struct servent *se;

	if (*s == '\0')
		return -1;
	n = strtol(s, &end, 10);
	if (*end == '\0') {
		if (n < 1 || n > 65535)
			return -1;
		*port_r = (int)n;
		return 0;
	}
	se = getservbyname(s, "tcp");
	if (se == NULL)
		return -1;
	*port_r = ntohs((uint16_t)se->s_port);
	return 0;
}

/* Split "ADDR.PORT" / "PORT"; addr_r gets "" when there is no address or it is "0". */
static int parse_item(const char *item, char *addr_r, int *port_r)
{
	const char *dot = strrchr(item, '.');
	const char *portstr = dot != NULL ? dot + 1 : item;
	size_t alen = dot != NULL ? (size_t)(dot - item) : 0;

	if (alen >= TCPD_PORT_ADDR_MAX)
		return -1;
	memcpy(addr_r, item, alen);
	addr_r[alen] = '\0';
	if (strcmp(addr_r, "0") == 0)
		addr_r[0] = '\0';
	return parse_port(portstr, port_r);
}

static int addr_valid(const char *addr)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, addr, tmp) == 1 || inet_pton(AF_INET6, addr, tmp) == 1;
}

int tcpd_ports_parse(struct tcpd_portlist *list, const char *spec, const char *default_addr,
		     int tls, const char **error_r)
{
	char *copy = strdup(spec), *save = NULL, *item;
	int ret = 0;

	if (copy == NULL)
		abort();
	if (default_addr != NULL && strcmp(default_addr, "0") == 0)
		default_addr = NULL;
	for (item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		struct tcpd_port *p;

		if (list->count >= TCPD_PORTS_MAX) {
			snprintf(error_buf, sizeof(error_buf), "Too many ports (max %d)",
				 TCPD_PORTS_MAX);
			ret = -1;
			break;
		}
		p = &list->port[list->count];
		if (parse_item(item, p->addr, &p->port) < 0) {
			snprintf(error_buf, sizeof(error_buf), "Invalid port: %.200s", item);
			ret = -1;
			break;
		}
		if (p->addr[0] == '\0' && default_addr != NULL)
			snprintf(p->addr, sizeof(p->addr), "%s", default_addr);
		if (p->addr[0] != '\0' && !addr_valid(p->addr)) {
			snprintf(error_buf, sizeof(error_buf), "Invalid IP address: %.200s",
				 p->addr);
			ret = -1;
			break;
		}
		p->tls = tls;
		list->count++;
	}
	if (ret == 0 && list->count == 0) {
		snprintf(error_buf, sizeof(error_buf), "Empty port list");
		ret = -1;
	}
	free(copy);
	if (ret < 0)
		*error_r = error_buf;
	return ret;
}

int tcpd_ports_mark_tls(struct tcpd_portlist *list, const char *spec, const char **error_r)
{
	char *copy = strdup(spec), *save = NULL, *item;
	int ret = 0;

	if (copy == NULL)
		abort();
	for (item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		char addr[TCPD_PORT_ADDR_MAX];
		int port;

		if (parse_item(item, addr, &port) < 0) {
			snprintf(error_buf, sizeof(error_buf), "Invalid -tls port: %.200s", item);
			*error_r = error_buf;
			ret = -1;
			break;
		}
		for (unsigned int i = 0; i < list->count; i++) {
			if (list->port[i].port == port &&
			    (addr[0] == '\0' || strcmp(addr, list->port[i].addr) == 0))
				list->port[i].tls = 1;
		}
	}
	free(copy);
	return ret;
}

/* One socket; returns fd, -1 error (error_buf set), -2 bind failed and errok. */
static int make_socket(int family, const char *addr, int port, int backlog, int errok)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sin6->sin6_addr = in6addr_any;
		if (addr != NULL && inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1)
			goto badaddr;
		sslen = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		if (addr != NULL && inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			goto badaddr;
		sslen = sizeof(*sin);
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		if (errok)
			return -2;
		snprintf(error_buf, sizeof(error_buf), "socket: %s", strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (family == AF_INET6 && addr == NULL) {
		int off = 0;
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	}
#ifdef IP_FREEBIND
	/* Courier 5.2.7: bind to an address the interface does not have yet (boot order). */
	if (addr != NULL)
		(void)setsockopt(fd, family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
				 family == AF_INET6 ? IPV6_FREEBIND : IP_FREEBIND, &on, sizeof(on));
#endif
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0 ||
	    listen(fd, backlog > 0 ? backlog : SOMAXCONN) < 0) {
		int e = errno;
		close(fd);
		if (errok)
			return -2;
		snprintf(error_buf, sizeof(error_buf), "bind %s port %d: %s", addr ? addr : "*",
			 port, strerror(e));
		return -1;
	}
	return fd;
badaddr:
	snprintf(error_buf, sizeof(error_buf), "Invalid IP address: %.200s", addr);
	return -1;
}

int tcpd_ports_bind(const struct tcpd_portlist *list, int backlog, struct tcpd_listener *out,
		    size_t max, const char **error_r)
{
	size_t n = 0;

	for (unsigned int i = 0; i < list->count; i++) {
		const struct tcpd_port *p = &list->port[i];
		int fds[2] = { -2, -2 }; /* -2 = none */

		if (p->addr[0] != '\0') {
			unsigned char tmp[4];
			int fam = inet_pton(AF_INET, p->addr, tmp) == 1 ? AF_INET : AF_INET6;
			fds[0] = make_socket(fam, p->addr, p->port, backlog, 0);
		} else {
			/* IPv6 wildcard first (dual stack), then IPv4: a failure of either alone
			 * is fine, as long as one of them listens. */
			fds[0] = make_socket(AF_INET6, NULL, p->port, backlog, 1);
			fds[1] = make_socket(AF_INET, NULL, p->port, backlog, fds[0] >= 0);
		}
		for (int k = 0; k < 2; k++) {
			if (fds[k] == -1)
				goto fail;
			if (fds[k] < 0)
				continue;
			if (n >= max) {
				close(fds[k]);
				snprintf(error_buf, sizeof(error_buf), "Too many listening sockets");
				goto fail;
			}
			out[n].fd = fds[k];
			out[n].port = p->port;
			out[n].tls = p->tls;
			n++;
		}
	}
	return (int)n;
fail:
	while (n > 0)
		close(out[--n].fd);
	*error_r = error_buf;
	return -1;
}
